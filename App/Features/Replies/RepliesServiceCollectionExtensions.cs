using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Features.Replies;

public static class RepliesServiceCollectionExtensions
{
    public static IServiceCollection AddReplies(this IServiceCollection services)
    {
        services.AddSingleton<ITicketTouches, ReplyTicketTouches>();
        services.AddSingleton<SmtpConnector>();
        services.AddSingleton<SmtpSettingsService>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<IMailOutbox, MailOutbox>();
        services.AddSingleton<ReplyService>();
        services.AddSingleton<OutboxWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxWorker>());
        return services;
    }
}
