using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.Notifications;

/// <summary>A notice to one user in the app (the bell in the top bar), e.g. a service-level target at risk.</summary>
public class UserNotification
{
    public long Id { get; set; }
    public string UserId { get; set; } = "";
    public AppUser User { get; set; } = null!;
    public DateTime CreatedAt { get; set; }
    /// <summary>English format strings, translated when shown: the reader's language is known only then.</summary>
    public string Title { get; set; } = "";
    public string Text { get; set; } = "";
    public List<string> Arguments { get; set; } = [];
    /// <summary>A local URL the notice leads to.</summary>
    public string? Link { get; set; }
    public DateTime? ReadAt { get; set; }
}

internal sealed class UserNotificationConfiguration : IEntityTypeConfiguration<UserNotification>
{
    public void Configure(EntityTypeBuilder<UserNotification> b)
    {
        b.ToTable("UserNotifications");
        b.HasOne(n => n.User).WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(n => n.Title).HasMaxLength(NotificationService.MaxTitleLength);
        b.Property(n => n.Text).HasMaxLength(NotificationService.MaxTextLength);
        b.Property(n => n.Link).HasMaxLength(500);
        b.HasIndex(n => new { n.UserId, n.Id });
        b.HasIndex(n => new { n.UserId, n.ReadAt });
    }
}
