using System.Text;
using BlazorTickets.Data;
using Microsoft.Extensions.Options;
using Quartz;

namespace BlazorTickets.Features.Mail;

public static class MailServiceCollectionExtensions
{
    /// <summary>The scheduler's name, the same on every node: Quartz's cluster is the nodes sharing it in one database.</summary>
    public const string SchedulerName = "BlazorTickets";

    public static IServiceCollection AddMail(this IServiceCollection services, IConfiguration configuration)
    {
        // Old mail still arrives in windows-1252, iso-2022-jp, koi8-r and friends.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        services.AddSingleton<MailboxConnector>();
        services.AddSingleton<MailboxLocks>();
        services.AddSingleton<MailImporter>();
        services.AddSingleton<MailFetchService>();
        services.AddOptions<MailFetchBackoffOptions>().BindConfiguration(MailFetchBackoffOptions.Section);
        services.AddSingleton(sp => new MailFetchBackoff(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<MailFetchBackoffOptions>>().Value));
        services.AddSingleton<MailboxService>();
        services.AddSingleton<MailQuarantineService>();

        if (DataOptions.PostgresConnectionString(configuration) is { } postgres)
        {
            // Several nodes share the job store in the app's database; each trigger fires on one of them.
            services.AddQuartz(quartz =>
            {
                quartz.ConfigureScheduler(scheduler =>
                {
                    scheduler.InstanceName = SchedulerName;
                    // Quartz's AUTO: host name and start time, unique per node.
                    scheduler.GenerateInstanceId = true;
                });
                // Job data is stored with the System.Text.Json serializer, Quartz 4's default.
                quartz.UsePersistentStore(store =>
                {
                    store.UsePostgres(postgres);
                    store.UseClustering();
                });
            });
        }
        else
        {
            services.AddQuartz();
        }
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddSingleton<MailSchedule>();
        services.AddHostedService(sp => sp.GetRequiredService<MailSchedule>());
        services.AddSingleton<MailPushService>();
        services.AddHostedService(sp => sp.GetRequiredService<MailPushService>());
        return services;
    }

    public static IEndpointRouteBuilder MapMailEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/mail/quarantine/{id:int}/eml", async (int id, MailQuarantineService quarantine, HttpContext http, CancellationToken ct) =>
        {
            var eml = await quarantine.GetEmlAsync(id, ct);
            if (eml is null)
            {
                return Results.NotFound();
            }
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.File(eml.Value.Raw, "message/rfc822", eml.Value.FileName);
        }).RequireAuthorization(Account.Policies.Admin);
        return endpoints;
    }
}
