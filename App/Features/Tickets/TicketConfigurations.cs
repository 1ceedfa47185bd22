using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.Tickets;

internal sealed class TicketConfiguration : IEntityTypeConfiguration<Ticket>
{
    public void Configure(EntityTypeBuilder<Ticket> b)
    {
        b.ToTable("Tickets");
        b.HasIndex(t => t.Number).IsUnique();
        b.Property(t => t.Subject).HasMaxLength(500);
        b.Property(t => t.Version).IsConcurrencyToken();
        b.Property(t => t.EstimatedEffortHours).HasPrecision(9, 2);
        b.Property(t => t.UpdatedBy).HasMaxLength(200);
        b.Ignore(t => t.Tag);

        b.HasOne(t => t.Handler).WithMany().HasForeignKey(t => t.HandlerId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne(t => t.Customer).WithMany().HasForeignKey(t => t.CustomerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(t => t.Tenant).WithMany().HasForeignKey(t => t.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(t => t.RelatedTicket).WithMany().HasForeignKey(t => t.RelatedTicketId).OnDelete(DeleteBehavior.SetNull);

        // The triggers of TicketListSql keep these right; EF inserts what it is given (see Ticket.CopyListNames) and never updates them.
        foreach (var name in new[] { nameof(Ticket.HandlerName), nameof(Ticket.CustomerName) })
        {
            var property = b.Property<string?>(name);
            property.HasMaxLength(200);
            property.Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        }
        var hasUnbilledTime = b.Property(t => t.HasUnbilledTime).HasDefaultValue(false);
        hasUnbilledTime.Metadata.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        hasUnbilledTime.Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);

        // One index per list filter and sort. An index on X also orders by Id (the rowid) within X: the list's tie-breaker.
        // PostgreSQL's do not: there the sort columns' indexes are (X, Id), under the same names (migration PostgresDeskSortIndexes).
        // The filters' indexes end in UpdatedAt, the default sort, so a filter's first page needs no sort.
        b.HasIndex(t => t.Status);
        b.HasIndex(t => new { t.Status, t.UpdatedAt });
        b.HasIndex(t => new { t.HandlerId, t.Status, t.UpdatedAt });
        b.HasIndex(t => new { t.HandlerId, t.UpdatedAt });
        b.HasIndex(t => new { t.CustomerId, t.UpdatedAt });
        b.HasIndex(t => new { t.TenantId, t.Status, t.UpdatedAt });
        b.HasIndex(t => new { t.TenantId, t.UpdatedAt });
        b.HasIndex(t => t.ExpectedDate);
        // Overdue: only the tickets not closed that have an expected date (a few percent of a large desk), with the default sort's column.
        b.HasIndex(t => new { t.ExpectedDate, t.UpdatedAt }, "IX_Tickets_ExpectedDate_NotClosed").HasFilter("\"ExpectedDate\" IS NOT NULL AND \"Status\" <> 5");
        b.HasIndex(t => t.UpdatedAt);
        b.HasIndex(t => t.LastMessageAt);
        b.HasIndex(t => t.CreatedAt);
        b.HasIndex(t => t.TimeTrackingAllowed);
        b.HasIndex(t => t.Subject);
        b.HasIndex(t => t.HandlerName);
        b.HasIndex(t => t.CustomerName);
        // Unbilled time: the few tickets that have any, in the default sort's order.
        b.HasIndex(t => t.UpdatedAt, "IX_Tickets_Unbilled_UpdatedAt").HasFilter("\"HasUnbilledTime\" AND \"TimeTrackingAllowed\"");
        b.Property(t => t.SlaDueAt).HasDefaultValue(Ticket.NoDue);
        // The due sort walks this one.
        b.HasIndex(t => t.SlaDueAt);
        // At risk and breached: only the tickets with a running target (open work, not years of history), with the due
        // time, the default sort's column and the columns of the filters beside them, so the filters are answered from
        // the index alone; a row lookup per entry costs about 10 µs, ten thousand of them a tenth of a second.
        b.HasIndex(t => new { t.SlaAtRiskAt, t.SlaDueAt, t.UpdatedAt, t.Status, t.HandlerId, t.TenantId }, "IX_Tickets_SlaRunning")
            .HasFilter("\"SlaAtRiskAt\" IS NOT NULL");
    }
}

internal sealed class TicketWatcherConfiguration : IEntityTypeConfiguration<TicketWatcher>
{
    public void Configure(EntityTypeBuilder<TicketWatcher> b)
    {
        b.ToTable("TicketWatchers");
        b.HasKey(w => new { w.TicketId, w.UserId });
        b.HasOne(w => w.Ticket).WithMany(t => t.Watchers).HasForeignKey(w => w.TicketId);
        b.HasOne(w => w.User).WithMany().HasForeignKey(w => w.UserId);
        b.HasIndex(w => w.UserId);
    }
}

internal sealed class TicketAssignedCustomerConfiguration : IEntityTypeConfiguration<TicketAssignedCustomer>
{
    public void Configure(EntityTypeBuilder<TicketAssignedCustomer> b)
    {
        b.ToTable("TicketAssignedCustomers");
        b.HasKey(c => new { c.TicketId, c.CustomerId });
        b.HasOne(c => c.Ticket).WithMany(t => t.AssignedCustomers).HasForeignKey(c => c.TicketId);
        b.HasOne(c => c.Customer).WithMany().HasForeignKey(c => c.CustomerId);
        b.HasIndex(c => c.CustomerId);
    }
}

internal sealed class TicketMessageConfiguration : IEntityTypeConfiguration<TicketMessage>
{
    public void Configure(EntityTypeBuilder<TicketMessage> b)
    {
        b.ToTable("TicketMessages");
        b.Property(m => m.Subject).HasMaxLength(1000);
        b.Property(m => m.MessageId).HasMaxLength(1000);
        b.HasOne(m => m.Ticket).WithMany(t => t.Messages).HasForeignKey(m => m.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(m => m.Author).WithMany().HasForeignKey(m => m.AuthorId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(m => new { m.TicketId, m.Date });
        b.HasIndex(m => m.MessageId);
    }
}

internal sealed class AttachmentConfiguration : IEntityTypeConfiguration<Attachment>
{
    public void Configure(EntityTypeBuilder<Attachment> b)
    {
        b.ToTable("Attachments");
        b.Property(a => a.FileName).HasMaxLength(500);
        b.Property(a => a.ContentType).HasMaxLength(200);
        b.Property(a => a.RawContentEncoding).HasMaxLength(40);
        b.HasOne(a => a.Message).WithMany(m => m.Attachments).HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}
