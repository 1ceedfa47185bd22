using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.TimeTracking;

internal sealed class TimeEntryConfiguration : IEntityTypeConfiguration<TimeEntry>
{
    public void Configure(EntityTypeBuilder<TimeEntry> b)
    {
        b.ToTable("TimeEntries");
        b.HasOne(e => e.Ticket).WithMany().HasForeignKey(e => e.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(e => e.User).WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(e => new { e.TicketId, e.Billable, e.QuoteLineId });
        b.HasIndex(e => new { e.UserId, e.Start });
        b.HasIndex(e => e.QuoteLineId);
        // The desk's "unbilled time" filter: the few tickets with billable time not yet on a quote.
        b.HasIndex(e => new { e.QuoteLineId, e.TicketId }, "IX_TimeEntries_Unbilled").HasFilter("\"Billable\" AND \"QuoteLineId\" IS NULL");
    }
}

internal sealed class RunningTimerConfiguration : IEntityTypeConfiguration<RunningTimer>
{
    public void Configure(EntityTypeBuilder<RunningTimer> b)
    {
        b.ToTable("RunningTimers");
        b.HasIndex(t => t.UserId).IsUnique();
        b.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(t => t.Ticket).WithMany().HasForeignKey(t => t.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}
