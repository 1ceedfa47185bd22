using BlazorTickets.Data;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Webhooks;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Webhooks;

internal static class WebhookTestData
{
    public static async Task<(int Id, string Secret)> EndpointAsync(this TestServices app, int tenantId, string url, params string[] types)
    {
        var result = await app.Get<WebhookService>().CreateAsync(new WebhookEndpointInput
        {
            TenantId = tenantId, Url = url, EventTypes = types.Length == 0 ? [.. WebhookEventTypes.All] : [.. types],
        });
        result.Errors.IsEmpty.Should().BeTrue(result.Errors.ToString());
        return (result.Id!.Value, result.Secret!);
    }

    /// <summary>The first demo tickets of one tenant, and that tenant.</summary>
    public static async Task<(int TenantId, int[] TicketIds)> TicketsAsync(this TestServices app, int count)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var tenantId = await db.Set<Ticket>().OrderBy(t => t.Id).Select(t => t.TenantId).FirstAsync();
        var ids = await db.Set<Ticket>().Where(t => t.TenantId == tenantId && t.MergedIntoTicketId == null).OrderBy(t => t.Id).Select(t => t.Id).Take(count).ToArrayAsync();
        return (tenantId, ids);
    }

    /// <summary>A tracked change of the ticket's subject, saved on its own.</summary>
    public static async Task RenameAsync(this TestServices app, int ticketId, string subject)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var ticket = await db.Set<Ticket>().SingleAsync(t => t.Id == ticketId);
        ticket.Subject = subject;
        await db.SaveChangesAsync();
    }

    public static async Task<List<WebhookEvent>> EventsAsync(this IDbContextFactory<AppDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Set<WebhookEvent>().AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    public static async Task<List<WebhookDelivery>> DeliveriesAsync(this IDbContextFactory<AppDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Set<WebhookDelivery>().AsNoTracking().Include(d => d.AttemptLog).OrderBy(d => d.Id).ToListAsync();
    }

    /// <summary>Runs the worker's passes until <paramref name="done"/> holds; the worker itself is not started by TestServices.</summary>
    public static async Task DeliverUntilAsync(this TestServices app, Func<Task<bool>> done, TimeSpan? timeout = null)
    {
        var worker = app.Get<WebhookWorker>();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (!await done())
        {
            limit.Token.ThrowIfCancellationRequested();
            await worker.DeliverDueAsync();
            await Task.Delay(50);
        }
    }
}
