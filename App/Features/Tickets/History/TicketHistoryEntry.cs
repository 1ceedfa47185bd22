using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.Tickets.History;

public enum HistoryKind
{
    Created,
    Field,
    Status,
    Handler,
    Watchers,
    Customers,
    MessageIn,
    MessageOut,
    Note,
    TimeEntry,
    Billing,
    Consent,
    Merge,
    Split,
}

public enum ActorKind
{
    System,
    User,
    Customer,
    MailImport,
    Job,
}

/// <summary>
/// One change to a ticket, written in the transaction of the change itself and never edited or deleted afterwards
/// (triggers refuse it, see <see cref="TicketHistorySql"/>). Values are kept as text as they were then.
/// </summary>
public class TicketHistoryEntry
{
    public long Id { get; set; }
    public int TicketId { get; set; }
    public Ticket Ticket { get; set; } = null!;
    public DateTime At { get; set; }
    public ActorKind ActorKind { get; set; }
    public string? ActorId { get; set; }
    public string ActorName { get; set; } = "";
    public HistoryKind Kind { get; set; }
    /// <summary>The field or the thing changed (a property name, a message's sender, a time entry's id).</summary>
    public string? Field { get; set; }
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }
    /// <summary>Hidden from the customer in the extranet.</summary>
    public bool IsInternal { get; set; }
}

internal sealed class TicketHistoryEntryConfiguration : IEntityTypeConfiguration<TicketHistoryEntry>
{
    public void Configure(EntityTypeBuilder<TicketHistoryEntry> b)
    {
        b.ToTable("TicketHistory");
        // The history goes only with its ticket: the delete trigger refuses every other delete.
        b.HasOne(h => h.Ticket).WithMany().HasForeignKey(h => h.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.Property(h => h.ActorId).HasMaxLength(450);
        b.Property(h => h.ActorName).HasMaxLength(TicketHistory.MaxValueLength);
        b.Property(h => h.Field).HasMaxLength(TicketHistory.MaxFieldLength);
        b.Property(h => h.OldValue).HasMaxLength(TicketHistory.MaxValueLength);
        b.Property(h => h.NewValue).HasMaxLength(TicketHistory.MaxValueLength);
        b.HasIndex(h => new { h.TicketId, h.Id });
        b.HasIndex(h => new { h.ActorId, h.At });
        b.HasIndex(h => h.At);
    }
}
