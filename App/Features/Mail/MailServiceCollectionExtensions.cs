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
        services.Configure<MailOAuthOptions>(configuration.GetSection(MailOAuthOptions.Section));
        services.AddHttpClient(MailOAuthTokens.HttpClientName);
        services.AddSingleton<MailOAuthTokens>();
        services.AddSingleton<IMailboxAccessTokens>(sp => sp.GetRequiredService<MailOAuthTokens>());
        services.AddSingleton<MailOAuthFlow>();
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

    /// <summary>The provider sends the browser back to this address; it must be registered with the provider's app.</summary>
    public static string CallbackUri(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{MailOAuthPaths.Callback}";

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

        endpoints.MapGet(MailOAuthPaths.Connect + "/{mailboxId:int}", async (int mailboxId, MailOAuthFlow flow, HttpContext http, CancellationToken ct) =>
        {
            var start = await flow.BeginAsync(mailboxId, CallbackUri(http.Request), ct);
            if (start.AuthorizationUrl is null)
            {
                return Results.Text(start.Error, "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
            }
            http.Response.Cookies.Append(MailOAuthFlow.CookieName, start.Cookie!, new CookieOptions
            {
                HttpOnly = true,
                Secure = http.Request.IsHttps,
                // Lax: the provider's redirect back is a top-level GET from another site.
                SameSite = SameSiteMode.Lax,
                Path = MailOAuthPaths.Callback,
                MaxAge = MailOAuthFlow.StateLifetime,
                IsEssential = true,
            });
            return Results.Redirect(start.AuthorizationUrl);
        }).RequireAuthorization(Account.Policies.Admin);

        endpoints.MapGet(MailOAuthPaths.Callback, async (MailOAuthFlow flow, HttpContext http, CancellationToken ct) =>
        {
            var query = http.Request.Query;
            var (redirectTo, error) = await flow.CompleteAsync(
                http.Request.Cookies[MailOAuthFlow.CookieName], query["state"], query["code"], query["error"], ct);
            http.Response.Cookies.Delete(MailOAuthFlow.CookieName, new CookieOptions { Path = MailOAuthPaths.Callback });
            return redirectTo is null
                ? Results.Text(error, "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest)
                : Results.Redirect(redirectTo);
        }).RequireAuthorization(Account.Policies.Admin);
        return endpoints;
    }
}
