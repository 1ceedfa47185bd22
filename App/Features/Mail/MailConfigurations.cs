using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.Mail;

internal sealed class MailboxSettingsConfiguration : IEntityTypeConfiguration<MailboxSettings>
{
    public void Configure(EntityTypeBuilder<MailboxSettings> b)
    {
        b.ToTable("MailboxSettings");
        b.HasKey(s => s.TenantId);
        b.HasOne(s => s.Tenant).WithOne().HasForeignKey<MailboxSettings>(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.Property(s => s.Host).HasMaxLength(255);
        b.Property(s => s.UserName).HasMaxLength(320);
        b.Property(s => s.Folder).HasMaxLength(255);
        b.Property(s => s.MoveToFolder).HasMaxLength(255);
        b.Property(s => s.CronSchedule).HasMaxLength(120);
        b.Ignore(s => s.IsConfigured);
    }
}

internal sealed class MailFolderStateConfiguration : IEntityTypeConfiguration<MailFolderState>
{
    public void Configure(EntityTypeBuilder<MailFolderState> b)
    {
        b.ToTable("MailFolderStates");
        b.Property(s => s.Folder).HasMaxLength(255);
        b.HasIndex(s => new { s.TenantId, s.Folder }).IsUnique();
    }
}

internal sealed class ImportedMailConfiguration : IEntityTypeConfiguration<ImportedMail>
{
    public void Configure(EntityTypeBuilder<ImportedMail> b)
    {
        b.ToTable("ImportedMails");
        b.Property(m => m.Folder).HasMaxLength(255);
        b.Property(m => m.MessageKey).HasMaxLength(1000);
        b.HasIndex(m => new { m.TenantId, m.Folder, m.UidValidity, m.Uid }).IsUnique();
        b.HasIndex(m => new { m.TenantId, m.MessageKey }).IsUnique();
        b.HasIndex(m => new { m.TenantId, m.Folder, m.AfterImportApplied });
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
