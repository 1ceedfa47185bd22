using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Features.Desk;

/// <summary>
/// What the ticket page shows and how it follows changes: a full load brings the conversation, a header load only the
/// fields; overlapping loads never let an older one win, and a change already shown loads nothing.
/// </summary>
public sealed class TicketDetailState(TicketService tickets, ReplyService replies)
{
    // What the page itself shows; time entries, timers and billing belong to TicketTimeEntries.
    private const TicketFields PageFields = TicketFields.Header | TicketFields.Conversation | TicketFields.Created;

    private int coveredVersion;
    private int reloadGeneration;
    private int fullReloadGeneration;

    public int TicketId { get; set; }
    public TicketDetails? Details { get; private set; }
    public IReadOnlyDictionary<int, OutboxStatus> Delivery { get; private set; } = new Dictionary<int, OutboxStatus>();
    public bool NotFound { get; private set; }
    public int FullLoads { get; private set; }
    public int HeaderLoads { get; private set; }

    /// <summary>
    /// A change this page has loaded already, or is loading: a header load started after version N was written
    /// shows N or later, so a change of version N that does not touch the conversation needs nothing more.
    /// </summary>
    public bool NeedsNothing(TicketChange change) =>
        !change.Touches(PageFields) || (!change.Touches(TicketFields.Conversation) && change.Version != 0 && change.Version <= coveredVersion);

    public async Task RefreshAsync(TicketChange change)
    {
        if (NeedsNothing(change))
        {
            return;
        }
        coveredVersion = Math.Max(coveredVersion, change.Version);
        if (change.Touches(TicketFields.Conversation))
        {
            await ReloadAsync();
        }
        else
        {
            await ReloadHeaderAsync();
        }
    }

    /// <summary>The information panel saved: its change event will say the same, so whichever comes second does nothing.</summary>
    public Task SavedAsync(int version) =>
        RefreshAsync(new TicketChange(TicketId, 0, TicketFields.Header & ~(TicketFields.Other | TicketFields.Deleted), version));

    public async Task ReloadAsync()
    {
        // Change events can overlap; only the newest load may land, or an older one finishing late would win.
        // A header load started meanwhile does not make this one stale: only it brings the conversation.
        ++reloadGeneration;
        var generation = ++fullReloadGeneration;
        FullLoads++;
        var loaded = await tickets.GetAsync(TicketId);
        var loadedDelivery = await replies.GetDeliveryAsync(TicketId);
        if (generation != fullReloadGeneration)
        {
            return;
        }
        Details = loaded;
        Delivery = loadedDelivery;
        NotFound = Details is null;
        coveredVersion = Math.Max(coveredVersion, Details?.Edit.Version ?? 0);
    }

    /// <summary>The fields and header only; the conversation on screen stays as it is.</summary>
    private async Task ReloadHeaderAsync()
    {
        if (Details is null)
        {
            await ReloadAsync();
            return;
        }
        var generation = ++reloadGeneration;
        HeaderLoads++;
        var loaded = await tickets.GetHeaderAsync(TicketId);
        if (generation != reloadGeneration)
        {
            return;
        }
        Details = loaded is null ? null : loaded with { Messages = Details?.Messages ?? [] };
        NotFound = Details is null;
        coveredVersion = Math.Max(coveredVersion, Details?.Edit.Version ?? 0);
    }
}
