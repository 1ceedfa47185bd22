using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.Mail;

internal sealed class MailboxConfiguration : IEntityTypeConfiguration<Mailbox>
{
    public void Configure(EntityTypeBuilder<Mailbox> b)
    {
        b.ToTable("Mailboxes");
        b.HasOne(m => m.Tenant).WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(m => m.TenantId);
        b.Property(m => m.Name).HasMaxLength(200);
        b.Property(m => m.Address).HasMaxLength(320);
        b.Property(m => m.Host).HasMaxLength(255);
        b.Property(m => m.UserName).HasMaxLength(320);
        b.Property(m => m.Folders).HasMaxLength(2000);
        b.Property(m => m.MoveToFolder).HasMaxLength(255);
        b.Property(m => m.CronSchedule).HasMaxLength(120);
        b.Property(m => m.DefaultHandlerId).HasMaxLength(450);
        b.Property(m => m.SmtpHost).HasMaxLength(255);
        b.Property(m => m.SmtpUserName).HasMaxLength(320);
        b.Property(m => m.OAuthAuthorizationEndpoint).HasMaxLength(1000);
        b.Property(m => m.OAuthTokenEndpoint).HasMaxLength(1000);
        b.Property(m => m.OAuthScopes).HasMaxLength(1000);
        b.Property(m => m.OAuthClientId).HasMaxLength(500);
        b.Property(m => m.OAuthError).HasMaxLength(2000);
        b.Ignore(m => m.IsConfigured);
        b.Ignore(m => m.FolderList);
    }
}

internal sealed class MailFolderStateConfiguration : IEntityTypeConfiguration<MailFolderState>
{
    public void Configure(EntityTypeBuilder<MailFolderState> b)
    {
        b.ToTable("MailFolderStates");
        b.Property(s => s.Folder).HasMaxLength(255);
        // Mailbox 0 holds the states of imports that came from no mailbox (API, tests), per tenant.
        b.HasIndex(s => new { s.TenantId, s.MailboxId, s.Folder }).IsUnique();
    }
}

internal sealed class ImportedMailConfiguration : IEntityTypeConfiguration<ImportedMail>
{
    public void Configure(EntityTypeBuilder<ImportedMail> b)
    {
        b.ToTable("ImportedMails");
        b.Property(m => m.Folder).HasMaxLength(255);
        b.Property(m => m.MessageKey).HasMaxLength(1000);
        // No key to the mailbox: its receipts outlive it, so a mailbox set up again never imports old mail twice.
        b.HasIndex(m => new { m.TenantId, m.MailboxId, m.Folder, m.UidValidity, m.Uid }).IsUnique();
        b.HasIndex(m => new { m.TenantId, m.MessageKey }).IsUnique();
        b.HasIndex(m => new { m.MailboxId, m.Folder, m.AfterImportApplied });
        b.HasIndex(m => new { m.MailboxId, m.ImportedAt });
        b.HasOne(m => m.TicketMessage).WithMany().HasForeignKey(m => m.TicketMessageId).OnDelete(DeleteBehavior.SetNull);
        // Discarding a quarantined message keeps its receipt, so it is never fetched again.
        b.HasOne(m => m.Quarantine).WithMany().HasForeignKey(m => m.QuarantinedMailId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class QuarantinedMailConfiguration : IEntityTypeConfiguration<QuarantinedMail>
{
    public void Configure(EntityTypeBuilder<QuarantinedMail> b)
    {
        b.ToTable("QuarantinedMails");
        b.Property(q => q.Folder).HasMaxLength(255);
        b.Property(q => q.Reason).HasMaxLength(2000);
        b.Property(q => q.From).HasMaxLength(1000);
        b.Property(q => q.Subject).HasMaxLength(1000);
        b.HasIndex(q => new { q.TenantId, q.CreatedAt });
    }
}
