using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.TextBlocks;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Data.Configurations;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> b)
    {
        b.Property(t => t.Name).HasMaxLength(200);
        b.HasIndex(t => t.Name).IsUnique();
        b.Property(t => t.SenderAddress).HasMaxLength(320);
        b.Property(t => t.SenderName).HasMaxLength(200);
        b.Property(t => t.Currency).HasMaxLength(3);
        b.Property(t => t.QuoteNumberPrefix).HasMaxLength(20);
    }
}

internal sealed class UserGroupConfiguration : IEntityTypeConfiguration<UserGroup>
{
    public void Configure(EntityTypeBuilder<UserGroup> b)
    {
        b.Property(g => g.Name).HasMaxLength(100);
        b.HasIndex(g => g.Name).IsUnique();
        b.Property(g => g.HourlyRate).HasPrecision(18, 2);
    }
}

internal sealed class UserGroupMembershipConfiguration : IEntityTypeConfiguration<UserGroupMembership>
{
    public void Configure(EntityTypeBuilder<UserGroupMembership> b)
    {
        b.HasKey(m => new { m.UserId, m.GroupId });
        b.HasOne(m => m.User).WithMany(u => u.Memberships).HasForeignKey(m => m.UserId);
        b.HasOne(m => m.Group).WithMany(g => g.Members).HasForeignKey(m => m.GroupId);
    }
}

internal sealed class UserTenantConfiguration : IEntityTypeConfiguration<UserTenant>
{
    public void Configure(EntityTypeBuilder<UserTenant> b)
    {
        b.HasKey(u => new { u.UserId, u.TenantId });
        b.HasOne(u => u.User).WithMany(u => u.Tenants).HasForeignKey(u => u.UserId);
        // Deleting a user's last tenant would silently widen them to every tenant.
        b.HasOne(u => u.Tenant).WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(200);
        b.HasOne(u => u.BillingGroup).WithMany().HasForeignKey(u => u.BillingGroupId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne(u => u.Customer).WithMany().HasForeignKey(u => u.CustomerId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(u => u.CustomerId);
    }
}

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.Property(c => c.CustomerNumber).HasMaxLength(50);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Company).HasMaxLength(200);
        b.HasIndex(c => new { c.TenantId, c.CustomerNumber }).IsUnique();
        b.HasIndex(c => new { c.TenantId, c.Name });
        b.Ignore(c => c.PrimaryEmail);
    }
}

internal sealed class CustomerEmailConfiguration : IEntityTypeConfiguration<CustomerEmail>
{
    public void Configure(EntityTypeBuilder<CustomerEmail> b)
    {
        // Mail matches senders by address whatever their case; NOCASE lets that lookup use the unique index.
        b.Property(e => e.Address).HasMaxLength(320).UseCollation("NOCASE");
        b.HasIndex(e => new { e.TenantId, e.Address }).IsUnique();
        b.HasOne(e => e.Customer).WithMany(c => c.Emails).HasForeignKey(e => e.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TextBlockConfiguration : IEntityTypeConfiguration<TextBlock>
{
    public void Configure(EntityTypeBuilder<TextBlock> b)
    {
        b.Property(t => t.Key).HasMaxLength(100);
        b.Property(t => t.Name).HasMaxLength(200);
        b.HasIndex(t => new { t.TenantId, t.Key }).IsUnique();
    }
}

internal sealed class TicketConfiguration : IEntityTypeConfiguration<Ticket>
{
    public void Configure(EntityTypeBuilder<Ticket> b)
    {
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

        // The triggers of TicketListSql write these; EF neither inserts nor updates them.
        foreach (var name in new[] { nameof(Ticket.HandlerName), nameof(Ticket.CustomerName) })
        {
            var property = b.Property<string?>(name);
            property.HasMaxLength(200);
            property.Metadata.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
            property.Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        }
        var hasUnbilledTime = b.Property(t => t.HasUnbilledTime).HasDefaultValue(false);
        hasUnbilledTime.Metadata.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        hasUnbilledTime.Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);

        // One index per list filter and sort. An index on X also orders by Id (the rowid) within X: the list's tie-breaker.
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
    }
}

internal sealed class TicketWatcherConfiguration : IEntityTypeConfiguration<TicketWatcher>
{
    public void Configure(EntityTypeBuilder<TicketWatcher> b)
    {
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
        b.Property(a => a.FileName).HasMaxLength(500);
        b.Property(a => a.ContentType).HasMaxLength(200);
        b.Property(a => a.RawContentEncoding).HasMaxLength(40);
        b.HasOne(a => a.Message).WithMany(m => m.Attachments).HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TimeEntryConfiguration : IEntityTypeConfiguration<TimeEntry>
{
    public void Configure(EntityTypeBuilder<TimeEntry> b)
    {
        b.HasOne(e => e.Ticket).WithMany().HasForeignKey(e => e.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(e => e.User).WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(e => e.QuoteLine).WithMany(l => l.TimeEntries).HasForeignKey(e => e.QuoteLineId).OnDelete(DeleteBehavior.SetNull);
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
        b.HasIndex(t => t.UserId).IsUnique();
        b.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(t => t.Ticket).WithMany().HasForeignKey(t => t.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class QuoteConfiguration : IEntityTypeConfiguration<Quote>
{
    public void Configure(EntityTypeBuilder<Quote> b)
    {
        b.Property(q => q.Number).HasMaxLength(50);
        b.HasIndex(q => new { q.TenantId, q.Number }).IsUnique();
        b.HasIndex(q => new { q.Status, q.CreatedAt });
        b.HasIndex(q => q.CustomerId);
        b.Property(q => q.Currency).HasMaxLength(3);
        b.Property(q => q.VatRate).HasPrecision(5, 2);
        b.Property(q => q.Net).HasPrecision(18, 2);
        b.Property(q => q.Vat).HasPrecision(18, 2);
        b.Property(q => q.Gross).HasPrecision(18, 2);
        b.HasOne(q => q.Tenant).WithMany().HasForeignKey(q => q.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(q => q.Customer).WithMany().HasForeignKey(q => q.CustomerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class QuoteLineConfiguration : IEntityTypeConfiguration<QuoteLine>
{
    public void Configure(EntityTypeBuilder<QuoteLine> b)
    {
        b.Property(l => l.Hours).HasPrecision(18, 2);
        b.Property(l => l.Rate).HasPrecision(18, 2);
        b.Property(l => l.Amount).HasPrecision(18, 2);
        b.HasOne(l => l.Quote).WithMany(q => q.Lines).HasForeignKey(l => l.QuoteId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(l => l.Ticket).WithMany().HasForeignKey(l => l.TicketId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(l => l.UserGroup).WithMany().HasForeignKey(l => l.UserGroupId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CounterConfiguration : IEntityTypeConfiguration<Counter>
{
    public void Configure(EntityTypeBuilder<Counter> b)
    {
        b.HasKey(c => c.Name);
        b.Property(c => c.Name).HasMaxLength(100);
    }
}
