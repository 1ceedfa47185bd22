using System.Text;

namespace BlazorTickets.Features.Mail;

public static class MailServiceCollectionExtensions
{
    public static IServiceCollection AddMail(this IServiceCollection services)
    {
        // Old mail still arrives in windows-1252, iso-2022-jp, koi8-r and friends.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        services.AddSingleton<MailboxConnector>();
        services.AddSingleton<MailboxLocks>();
        services.AddSingleton<MailImporter>();
        services.AddSingleton<MailFetchService>();
        services.AddSingleton<MailboxSettingsService>();
        return services;
    }
}
