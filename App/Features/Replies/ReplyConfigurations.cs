using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.Replies;

internal sealed class SmtpSettingsConfiguration : IEntityTypeConfiguration<SmtpSettings>
{
    public void Configure(EntityTypeBuilder<SmtpSettings> b)
    {
        b.ToTable("SmtpSettings");
        b.HasKey(s => s.TenantId);
        b.HasOne(s => s.Tenant).WithOne().HasForeignKey<SmtpSettings>(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.Property(s => s.Host).HasMaxLength(255);
        b.Property(s => s.UserName).HasMaxLength(320);
        b.Property(s => s.SentFolder).HasMaxLength(255);
        b.Ignore(s => s.IsConfigured);
    }
}

internal sealed class OutboxMailConfiguration : IEntityTypeConfiguration<OutboxMail>
{
    public void Configure(EntityTypeBuilder<OutboxMail> b)
    {
        b.ToTable("OutboxMails");
        b.Property(o => o.IdempotencyKey).HasMaxLength(100);
        b.HasIndex(o => o.IdempotencyKey).IsUnique();
        b.Property(o => o.Recipients).HasMaxLength(4000);
        b.Property(o => o.Subject).HasMaxLength(1000);
        b.Property(o => o.LastError).HasMaxLength(2000);
        b.Property(o => o.SentCopyError).HasMaxLength(2000);
        b.HasOne(o => o.TicketMessage).WithOne().HasForeignKey<OutboxMail>(o => o.TicketMessageId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(o => o.TicketMessageId).IsUnique();
        b.HasIndex(o => new { o.State, o.NextAttemptAt });
        b.HasIndex(o => o.TicketId);
    }
}

internal sealed class ReplyDraftConfiguration : IEntityTypeConfiguration<ReplyDraft>
{
    public void Configure(EntityTypeBuilder<ReplyDraft> b)
    {
        b.ToTable("ReplyDrafts");
        b.HasOne(d => d.Ticket).WithMany().HasForeignKey(d => d.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => new { d.TicketId, d.UserId }).IsUnique();
        b.Property(d => d.ComposeId).HasMaxLength(100);
        b.Property(d => d.Subject).HasMaxLength(1000);
        b.Property(d => d.To).HasMaxLength(4000);
        b.Property(d => d.Cc).HasMaxLength(4000);
    }
}

internal sealed class ReplyDraftAttachmentConfiguration : IEntityTypeConfiguration<ReplyDraftAttachment>
{
    public void Configure(EntityTypeBuilder<ReplyDraftAttachment> b)
    {
        b.ToTable("ReplyDraftAttachments");
        b.Property(a => a.FileName).HasMaxLength(500);
        b.Property(a => a.ContentType).HasMaxLength(200);
        b.HasOne(a => a.Draft).WithMany(d => d.Attachments).HasForeignKey(a => a.DraftId).OnDelete(DeleteBehavior.Cascade);
    }
}
