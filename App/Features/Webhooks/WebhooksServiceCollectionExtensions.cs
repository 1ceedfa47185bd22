using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BlazorTickets.Features.Webhooks;

public static class WebhooksServiceCollectionExtensions
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section);
        services.AddSingleton<WebhookSubscriptions>();
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookSigning>();
        services.AddSingleton<IInterceptor, WebhookEventInterceptor>();
        services.AddSingleton<WebhookService>();
        services.AddHttpClient(WebhookWorker.HttpClientName, client =>
            {
                // The worker's own timeout applies per attempt; this one only backs it up.
                client.Timeout = TimeSpan.FromMinutes(1);
                client.DefaultRequestHeaders.UserAgent.ParseAdd("BlazorTickets-Webhooks/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddSingleton<WebhookWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookWorker>());
        return services;
    }
}
