using BlazorTickets.Data;
using BlazorTickets.Data.Postgres;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Notifications;

public sealed record NotificationView(long Id, DateTime CreatedAt, string Title, string Text, IReadOnlyList<string> Arguments, string? Link, bool IsRead);

/// <summary>A notice to be written; <paramref name="Title"/> and <paramref name="Text"/> are English format strings over <paramref name="Arguments"/>.</summary>
public sealed record NewNotification(string UserId, string Title, string Text, IReadOnlyList<string> Arguments, string? Link);

/// <summary>Users whose notices changed; a bell redraws only for its own user.</summary>
public sealed record NotificationsChanged(IReadOnlyCollection<string> UserIds);

public sealed class NotificationNotifier(ILogger<NotificationNotifier> logger) : ChangeNotifier<NotificationsChanged>(logger)
{
    public void Publish(IReadOnlyCollection<string> userIds)
    {
        if (userIds.Count > 0)
        {
            PublishChange(new NotificationsChanged(userIds));
        }
    }

    /// <summary>User ids between nodes. After the listener was cut off, the users with notices written since then.</summary>
    public static ICrossNodeChannel CrossNodeChannel(IServiceProvider services)
    {
        var notifier = services.GetRequiredService<NotificationNotifier>();
        return new CrossNodeChannel<NotificationsChanged, string>("notifications", notifier,
            change => change.UserIds.ToList(),
            userIds => new NotificationsChanged(userIds),
            resync: async (since, ct) =>
            {
                var dbFactory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                var users = await db.Set<UserNotification>().AsNoTracking().Where(n => n.CreatedAt >= since || n.ReadAt >= since)
                    .Select(n => n.UserId).Distinct().ToListAsync(ct);
                if (users.Count > 0)
                {
                    notifier.PublishFromOtherNode(new NotificationsChanged(users));
                }
            });
    }
}

public sealed class NotificationService(IDbContextFactory<AppDbContext> dbFactory, NotificationNotifier notifier, TimeProvider clock)
{
    public const int MaxTitleLength = 200;
    public const int MaxTextLength = 1000;
    public const int MaxArgumentLength = 300;
    public const int ShownInBell = 10;

    /// <summary>Adds the notices to the caller's context, to be saved with the change that caused them.</summary>
    public void Add(AppDbContext db, IEnumerable<NewNotification> notifications)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        db.AddRange(notifications.Select(n => new UserNotification
        {
            UserId = n.UserId,
            CreatedAt = now,
            Title = n.Title,
            Text = n.Text,
            Arguments = [.. n.Arguments.Select(a => Clip(a, MaxArgumentLength))],
            Link = n.Link,
        }));
    }

    /// <summary>Tells the users' open bells, after the notices were saved.</summary>
    public void Published(IEnumerable<string> userIds) => notifier.Publish(userIds.Distinct().ToList());

    public async Task<IReadOnlyList<NotificationView>> LatestAsync(string userId, int take = ShownInBell, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<UserNotification>().AsNoTracking()
            .Where(n => n.UserId == userId)
            .OrderByDescending(n => n.Id)
            .Take(take)
            .Select(n => new NotificationView(n.Id, n.CreatedAt, n.Title, n.Text, n.Arguments, n.Link, n.ReadAt != null))
            .ToListAsync(ct);
    }

    public async Task<int> UnreadCountAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<UserNotification>().CountAsync(n => n.UserId == userId && n.ReadAt == null, ct);
    }

    /// <summary>Marks one notice (or, with null, all of them) of the user read; another user's notice is left alone.</summary>
    public async Task MarkReadAsync(string userId, long? notificationId = null, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changed = await db.Set<UserNotification>()
            .Where(n => n.UserId == userId && n.ReadAt == null && (notificationId == null || n.Id == notificationId))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
        if (changed > 0)
        {
            notifier.Publish([userId]);
        }
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}

public static class NotificationsServiceCollectionExtensions
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddSingleton<NotificationNotifier>();
        services.AddCrossNodeChannel(NotificationNotifier.CrossNodeChannel);
        services.AddSingleton<NotificationService>();
        return services;
    }
}
