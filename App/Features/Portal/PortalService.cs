using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.History;
using BlazorTickets.Shared;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Portal;

/// <summary>
/// Everything a customer does in the extranet. Every query starts from <see cref="MyTickets"/>, which filters by the
/// signed-in customer's id and tenant, so an id from a URL can never reach another customer's data; a foreign id
/// behaves exactly like one that does not exist.
/// </summary>
public sealed class PortalService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    private const int SaveAttempts = 3;

    /// <summary>The tickets of <paramref name="customerId"/>: theirs as the customer or as an assigned customer, in their own tenant.</summary>
    internal static IQueryable<Ticket> MyTickets(AppDbContext db, int customerId)
    {
        var tenantOfCustomer = db.Set<Customer>().Where(c => c.Id == customerId).Select(c => c.TenantId);
        var assignedTicketIds = db.Set<TicketAssignedCustomer>().Where(c => c.CustomerId == customerId).Select(c => c.TicketId);
        return db.Set<Ticket>().Where(t =>
            (t.CustomerId == customerId || assignedTicketIds.Contains(t.Id)) && tenantOfCustomer.Contains(t.TenantId));
    }

    /// <summary>Messages a customer may read: never internal notes, and nothing of a kind added later unless listed here.</summary>
    internal static IQueryable<TicketMessage> VisibleMessages(IQueryable<TicketMessage> messages) =>
        messages.Where(m => m.Direction == MessageDirection.Inbound || m.Direction == MessageDirection.Outbound);

    public async Task<PagedResult<PortalTicketRow>> ListAsync(PortalCustomer me, bool openOnly, int page, CancellationToken ct = default)
    {
        page = Math.Max(page, 0);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = MyTickets(db, me.CustomerId).AsNoTracking();
        if (openOnly)
        {
            query = query.Where(t => t.Status != TicketStatus.Closed);
        }
        var total = await query.CountAsync(ct);
        var rows = await query
            .Select(t => new
            {
                Ticket = t,
                LastMessage = t.Messages
                    .Where(m => m.Direction == MessageDirection.Inbound || m.Direction == MessageDirection.Outbound)
                    .Max(m => (DateTime?)m.Date),
            })
            .OrderByDescending(x => x.LastMessage ?? x.Ticket.CreatedAt).ThenByDescending(x => x.Ticket.Id)
            .Skip(page * PortalLimits.PageSize)
            .Take(PortalLimits.PageSize)
            .Select(x => new PortalTicketRow(
                x.Ticket.Id,
                x.Ticket.Number,
                x.Ticket.Subject,
                x.Ticket.Status,
                x.LastMessage ?? x.Ticket.CreatedAt,
                x.Ticket.CustomerNote,
                x.Ticket.ExpectedDate,
                x.Ticket.EstimatedEffortHours))
            .ToListAsync(ct);
        return new PagedResult<PortalTicketRow>(rows, total);
    }

    /// <summary>Null when the ticket does not exist or is not this customer's.</summary>
    public async Task<PortalTicketView?> GetAsync(PortalCustomer me, int ticketId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ticket = await MyTickets(db, me.CustomerId).AsNoTracking()
            .Where(t => t.Id == ticketId)
            .Select(t => new
            {
                t.Id, t.Number, t.Subject, t.Status, t.CreatedAt, t.CustomerNote, t.ExpectedDate, t.EstimatedEffortHours,
                t.TimeTrackingAllowed,
            })
            .SingleOrDefaultAsync(ct);
        if (ticket is null)
        {
            return null;
        }

        var messages = await VisibleMessages(db.Set<TicketMessage>().AsNoTracking())
            .Where(m => m.TicketId == ticketId)
            .OrderBy(m => m.Date).ThenBy(m => m.Id)
            .Select(m => new PortalMessage(
                m.Id,
                m.Direction,
                m.From,
                m.Subject,
                m.Date,
                m.TextBody,
                m.Attachments.OrderBy(a => a.Id).Select(a => new AttachmentView(a.Id, a.FileName, a.ContentType, a.Size, a.ContentId)).ToList()))
            .ToListAsync(ct);
        var consent = await db.Set<TimeTrackingConsentChange>().AsNoTracking()
            .Where(c => c.TicketId == ticketId)
            .OrderByDescending(c => c.ChangedAt).ThenByDescending(c => c.Id)
            .Select(c => new ConsentChangeView(c.Allowed, c.ChangedBy, c.ChangedAt))
            .ToListAsync(ct);

        return new PortalTicketView(
            ticket.Id, ticket.Number, ticket.Subject, ticket.Status, ticket.CreatedAt,
            messages.Count > 0 ? messages.Max(m => m.Date) : ticket.CreatedAt,
            ticket.CustomerNote, ticket.ExpectedDate, ticket.EstimatedEffortHours, ticket.TimeTrackingAllowed,
            messages, consent);
    }

    /// <summary>Whether any of <paramref name="ticketIds"/> is this customer's: lets a page ignore other customers' changes cheaply.</summary>
    public async Task<bool> OwnsAnyAsync(PortalCustomer me, IReadOnlyCollection<int> ticketIds, CancellationToken ct = default)
    {
        var ids = ticketIds.ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await MyTickets(db, me.CustomerId).AnyAsync(t => ids.Contains(t.Id), ct);
    }

    /// <summary>The attachment, if it belongs to a message this customer may read on one of their tickets.</summary>
    public async Task<PortalAttachmentFile?> GetAttachmentAsync(PortalCustomer me, int attachmentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var myTicketIds = MyTickets(db, me.CustomerId).Select(t => t.Id);
        var visibleMessageIds = VisibleMessages(db.Set<TicketMessage>()).Where(m => myTicketIds.Contains(m.TicketId)).Select(m => m.Id);
        var attachment = await AttachmentContent
            .Of(db.Set<Attachment>().AsNoTracking().Where(a => a.Id == attachmentId && visibleMessageIds.Contains(a.MessageId)))
            .SingleOrDefaultAsync(ct);
        return attachment is null ? null : new PortalAttachmentFile(attachment.FileName, attachment.Bytes());
    }

    /// <summary>The customer's answer becomes an inbound message and sets the ticket to Open.</summary>
    public async Task<PortalResult> AnswerAsync(
        PortalCustomer me, int ticketId, string text, IReadOnlyList<UploadedFile> files, CancellationToken ct = default)
    {
        using var acting = TicketHistory.ActAs(HistoryActor.Customer(me.UserId, me.DisplayName));
        var errors = PortalValidation.Check(subject: null, text, files, withSubject: false);
        if (!errors.IsEmpty)
        {
            return new PortalResult.Invalid(errors);
        }
        // An agent may save the ticket in between; the answer only adds, so it is applied again to the fresh row.
        return await ChangeMyTicketAsync(me, ticketId, tickets => tickets.Include(t => t.Tenant), (db, ticket, now) =>
        {
            db.Set<TicketMessage>().Add(Inbound(me, ticket, ticket.Tenant.SenderAddress, ticket.Subject, text, files, now));
            ticket.Status = TicketStatus.Open;
            ticket.LastMessageAt = now;
            ticket.UpdatedAt = now;
            ticket.UpdatedBy = me.DisplayName;
            return true;
        }, ct);
    }

    /// <summary>Opens a new ticket for the signed-in customer in their tenant.</summary>
    public async Task<PortalResult> CreateTicketAsync(
        PortalCustomer me, string subject, string text, IReadOnlyList<UploadedFile> files, CancellationToken ct = default)
    {
        using var acting = TicketHistory.ActAs(HistoryActor.Customer(me.UserId, me.DisplayName));
        var errors = PortalValidation.Check(subject, text, files, withSubject: true);
        if (!errors.IsEmpty)
        {
            return new PortalResult.Invalid(errors);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customer = await db.Set<Customer>().AsNoTracking()
            .Where(c => c.Id == me.CustomerId)
            .Select(c => new { c.TenantId, c.Tenant.SenderAddress })
            .SingleOrDefaultAsync(ct);
        if (customer is null)
        {
            return new PortalResult.NotFound();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var ticket = new Ticket
        {
            Number = (int)await db.NextAsync(Sequences.TicketNumber, ct: ct),
            Subject = subject.Trim(),
            Status = TicketStatus.New,
            CustomerId = me.CustomerId,
            TenantId = customer.TenantId,
            CreatedAt = now,
            UpdatedAt = now,
            UpdatedBy = me.DisplayName,
            LastMessageAt = now,
        };
        ticket.Messages.Add(Inbound(me, ticket, customer.SenderAddress, ticket.Subject, text, files, now));
        db.Set<Ticket>().Add(ticket);
        await db.SaveChangesAsync(ct);
        return new PortalResult.Done(ticket.Id);
    }

    /// <summary>Gives or withdraws the consent to time tracking; every real change is logged with who and when.</summary>
    public async Task<PortalResult> SetTimeTrackingAsync(PortalCustomer me, int ticketId, bool allowed, CancellationToken ct = default)
    {
        using var acting = TicketHistory.ActAs(HistoryActor.Customer(me.UserId, me.DisplayName));
        return await ChangeMyTicketAsync(me, ticketId, tickets => tickets, (db, ticket, now) =>
        {
            if (ticket.TimeTrackingAllowed == allowed)
            {
                return false;
            }
            ticket.TimeTrackingAllowed = allowed;
            ticket.UpdatedAt = now;
            ticket.UpdatedBy = me.DisplayName;
            db.Set<TimeTrackingConsentChange>().Add(new TimeTrackingConsentChange
            {
                TicketId = ticket.Id,
                Allowed = allowed,
                UserId = me.UserId,
                ChangedBy = Truncate(me.DisplayName, 200),
                CustomerId = me.CustomerId,
                ChangedAt = now,
            });
            return true;
        }, ct);
    }

    /// <summary>
    /// Loads one of the customer's tickets, applies <paramref name="change"/> (false: nothing to save) and saves;
    /// when an agent saved the ticket in between, the change is applied again to the fresh row, a few times at most.
    /// </summary>
    private async Task<PortalResult> ChangeMyTicketAsync(
        PortalCustomer me, int ticketId, Func<IQueryable<Ticket>, IQueryable<Ticket>> include,
        Func<AppDbContext, Ticket, DateTime, bool> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var ticket = await include(MyTickets(db, me.CustomerId)).SingleOrDefaultAsync(t => t.Id == ticketId, ct);
            if (ticket is null)
            {
                return new PortalResult.NotFound();
            }
            if (!change(db, ticket, clock.GetUtcNow().UtcDateTime))
            {
                return new PortalResult.Done(ticket.Id);
            }
            try
            {
                await db.SaveChangesAsync(ct);
                return new PortalResult.Done(ticket.Id);
            }
            catch (DbUpdateConcurrencyException) when (attempt < SaveAttempts)
            {
            }
            catch (DbUpdateConcurrencyException)
            {
                return new PortalResult.Invalid(FieldErrors.OfForm(PortalValidation.Busy));
            }
        }
    }

    private static TicketMessage Inbound(
        PortalCustomer me, Ticket ticket, string to, string subject, string text, IReadOnlyList<UploadedFile> files, DateTime now) => new()
    {
        Ticket = ticket,
        Direction = MessageDirection.Inbound,
        From = string.IsNullOrWhiteSpace(me.DisplayName) ? me.Email : $"{me.DisplayName} <{me.Email}>",
        To = to,
        Subject = subject,
        Date = now,
        TextBody = text.Trim(),
        Attachments = files.Select(f => new Attachment
        {
            FileName = Truncate(SafeFileName.From(f.FileName), PortalLimits.MaxFileNameLength),
            ContentType = CleanContentType(f.ContentType),
            Size = f.Size,
            Content = f.Content,
        }).ToList(),
    };

    private static string CleanContentType(string? contentType) =>
        contentType is { Length: > 0 and <= 200 } && contentType.Contains('/') && !contentType.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            ? contentType
            : "application/octet-stream";

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
