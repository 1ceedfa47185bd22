using BlazorTickets.Data;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Shared;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Mail;

/// <summary>
/// <c>mail fetch [--tenant NAME] [--mailbox NAME]</c> and <c>mail configure --tenant NAME [--mailbox NAME] --host H ...</c>
/// (password on standard input), for scripts and cron. A mailbox is named by its name, its address or its id.
/// Exit codes: 0 ok, 1 a fetch or the configuration failed, 2 usage.
/// </summary>
public static class MailCommandLine
{
    public static bool IsMailCommand(string[] args) => args.Length > 0 && args[0] == "mail";

    public const string Usage = """
        usage:
          mail fetch [--tenant NAME] [--mailbox NAME|ADDRESS|ID]
          mail configure --tenant NAME [--mailbox NAME|ADDRESS|ID] --host HOST --port PORT --user USER --encryption none|ssl|starttls
                         [--address ADDRESS] [--folder FOLDER] [--auth password|oauth2]
                         [--provider microsoft365|google|other --authorize-url URL --token-url URL --client-id ID --scopes "S1 S2"]
                         (password auth reads the password from the first line of standard input; OAuth2 with
                          --provider other reads the client secret from it, an empty line for a public client)
        """;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        var options = ParseOptions(args.Skip(2).ToArray(), out var parseError);
        if (args.Length < 2 || parseError is not null)
        {
            await error.WriteLineAsync(parseError ?? "Name a mail command.");
            await error.WriteLineAsync(Usage);
            return 2;
        }
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        return args[1] switch
        {
            "fetch" => await FetchAsync(scope.ServiceProvider, options, output, error),
            "configure" => await ConfigureAsync(scope.ServiceProvider, options, input, output, error),
            _ => await UnknownAsync(args[1], error),
        };
    }

    private static async Task<int> UnknownAsync(string command, TextWriter error)
    {
        await error.WriteLineAsync($"Unknown mail command \"{command}\".");
        await error.WriteLineAsync(Usage);
        return 2;
    }

    private static Dictionary<string, string> ParseOptions(string[] args, out string? parseError)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        parseError = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                parseError = $"Expected --option VALUE, got \"{args[i]}\".";
                return options;
            }
            options[args[i][2..]] = args[++i];
        }
        return options;
    }

    private static async Task<int> FetchAsync(IServiceProvider services, Dictionary<string, string> options, TextWriter output, TextWriter error)
    {
        var dbFactory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var fetcher = services.GetRequiredService<MailFetchService>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var query = db.Set<Mailbox>().AsNoTracking().Where(m => m.Host != "");
        options.TryGetValue("tenant", out var tenantName);
        if (tenantName is not null)
        {
            if (!await db.Set<Tenant>().AnyAsync(t => t.Name == tenantName))
            {
                await error.WriteLineAsync($"There is no tenant named \"{tenantName}\".");
                return 1;
            }
            query = query.Where(m => m.Tenant.Name == tenantName);
        }
        var mailboxes = (await query.Include(m => m.Tenant).ToListAsync()).OrderBy(m => m.Tenant.Name).ThenBy(m => m.Id).ToList();
        if (options.TryGetValue("mailbox", out var mailboxName))
        {
            mailboxes = mailboxes.Where(m => Names(m, mailboxName)).ToList();
            if (mailboxes.Count == 0)
            {
                await error.WriteLineAsync(tenantName is null ? $"There is no mailbox \"{mailboxName}\"." : $"Tenant \"{tenantName}\" has no mailbox \"{mailboxName}\".");
                return 1;
            }
            if (mailboxes.Select(m => m.TenantId).Distinct().Count() > 1)
            {
                await error.WriteLineAsync($"Several tenants have a mailbox \"{mailboxName}\"; name the tenant with --tenant.");
                return 2;
            }
        }
        if (mailboxes.Count == 0)
        {
            await error.WriteLineAsync(tenantName is null ? "No tenant has a mailbox configured." : $"Tenant \"{tenantName}\" has no mailbox configured.");
            return 1;
        }
        // Side by side, as the schedule runs them: one slow or broken mailbox does not hold up the others.
        var summaries = await Task.WhenAll(mailboxes.Select(m => fetcher.FetchMailboxAsync(m.Id)));
        var failed = false;
        for (var i = 0; i < mailboxes.Count; i++)
        {
            await (summaries[i].Succeeded ? output : error).WriteLineAsync($"{mailboxes[i].Tenant.Name} / {mailboxes[i]}: {summaries[i]}");
            failed |= !summaries[i].Succeeded;
        }
        return failed ? 1 : 0;
    }

    private static bool Names(Mailbox mailbox, string name) =>
        string.Equals(mailbox.Name, name, StringComparison.OrdinalIgnoreCase)
        || string.Equals(mailbox.Address, name, StringComparison.OrdinalIgnoreCase)
        || (int.TryParse(name, out var id) && mailbox.Id == id);

    private static async Task<int> ConfigureAsync(
        IServiceProvider services, Dictionary<string, string> options, TextReader input, TextWriter output, TextWriter error)
    {
        string[] required = ["tenant", "host", "port", "user", "encryption"];
        var missing = required.Where(r => !options.ContainsKey(r)).ToList();
        if (missing.Count > 0)
        {
            await error.WriteLineAsync($"Missing: {string.Join(", ", missing.Select(m => "--" + m))}.");
            await error.WriteLineAsync(Usage);
            return 2;
        }
        MailEncryption? encryption = options["encryption"].ToLowerInvariant() switch
        {
            "none" => MailEncryption.None,
            "ssl" or "tls" or "ssl/tls" => MailEncryption.SslTls,
            "starttls" => MailEncryption.StartTls,
            _ => null,
        };
        if (encryption is null)
        {
            await error.WriteLineAsync($"--encryption must be none, ssl or starttls, not \"{options["encryption"]}\".");
            return 2;
        }
        if (!int.TryParse(options["port"], out var port))
        {
            await error.WriteLineAsync($"--port must be a number, not \"{options["port"]}\".");
            return 2;
        }
        MailAuthMethod? auth = options.GetValueOrDefault("auth", "password").ToLowerInvariant() switch
        {
            "password" => MailAuthMethod.Password,
            "oauth2" => MailAuthMethod.OAuth2,
            _ => null,
        };
        if (auth is null)
        {
            await error.WriteLineAsync($"--auth must be password or oauth2, not \"{options["auth"]}\".");
            return 2;
        }
        OAuthProviderKind? provider = null;
        if (auth == MailAuthMethod.OAuth2)
        {
            provider = options.GetValueOrDefault("provider", "").ToLowerInvariant() switch
            {
                "microsoft365" or "microsoft" or "m365" => OAuthProviderKind.Microsoft365,
                "google" => OAuthProviderKind.Google,
                "other" => OAuthProviderKind.Other,
                _ => null,
            };
            if (provider is null)
            {
                await error.WriteLineAsync("--auth oauth2 needs --provider microsoft365, google or other.");
                return 2;
            }
        }

        var dbFactory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        int tenantId;
        List<Mailbox> ofTenant;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var tenant = await db.Set<Tenant>().Where(t => t.Name == options["tenant"]).Select(t => (int?)t.Id).SingleOrDefaultAsync();
            if (tenant is null)
            {
                await error.WriteLineAsync($"There is no tenant named \"{options["tenant"]}\".");
                return 1;
            }
            tenantId = tenant.Value;
            ofTenant = await db.Set<Mailbox>().AsNoTracking().Where(m => m.TenantId == tenantId).OrderBy(m => m.Id).ToListAsync();
        }

        Mailbox? existing;
        if (options.TryGetValue("mailbox", out var mailboxName))
        {
            existing = ofTenant.FirstOrDefault(m => Names(m, mailboxName));
        }
        else if (ofTenant.Count > 1)
        {
            await error.WriteLineAsync($"Tenant \"{options["tenant"]}\" has {ofTenant.Count} mailboxes; name one with --mailbox.");
            return 2;
        }
        else
        {
            existing = ofTenant.FirstOrDefault();
        }

        var mailboxes = services.GetRequiredService<MailboxService>();
        var current = existing is null ? new MailboxInput { Name = mailboxName ?? "" } : (await mailboxes.GetAsync(existing.Id))!;
        current.Host = options["host"];
        current.Port = port;
        current.UserName = options["user"];
        current.Encryption = encryption.Value;
        current.AuthMethod = auth.Value;
        current.Address = options.GetValueOrDefault("address") ?? current.Address;
        if (options.TryGetValue("folder", out var folder))
        {
            current.Folders = folder;
        }
        if (auth == MailAuthMethod.Password)
        {
            current.NewPassword = (await input.ReadLineAsync())?.TrimEnd('\r');
        }
        else
        {
            current.OAuthProvider = provider;
            if (provider == OAuthProviderKind.Other)
            {
                current.OAuthAuthorizationEndpoint = options.GetValueOrDefault("authorize-url") ?? current.OAuthAuthorizationEndpoint;
                current.OAuthTokenEndpoint = options.GetValueOrDefault("token-url") ?? current.OAuthTokenEndpoint;
                current.OAuthClientId = options.GetValueOrDefault("client-id") ?? current.OAuthClientId;
                current.OAuthScopes = options.GetValueOrDefault("scopes") ?? current.OAuthScopes;
                current.NewOAuthClientSecret = (await input.ReadLineAsync())?.TrimEnd('\r');
            }
        }
        FieldErrors errors;
        int mailboxId;
        if (existing is null)
        {
            (errors, var created) = await mailboxes.CreateAsync(tenantId, current);
            mailboxId = created ?? 0;
        }
        else
        {
            errors = await mailboxes.SaveAsync(existing.Id, current);
            mailboxId = existing.Id;
        }
        if (errors.Count > 0)
        {
            foreach (var message in errors.All)
            {
                await error.WriteLineAsync(message.ToString());
            }
            return 1;
        }
        var name = current.Name.Length > 0 ? current.Name : current.Address;
        await output.WriteLineAsync($"Mailbox \"{name}\" (id {mailboxId}) of tenant \"{options["tenant"]}\" is now {current.UserName}@{current.Host}:{current.Port} ({current.Encryption}), folders {string.Join(", ", Mailbox.SplitFolders(current.Folders))}.");
        if (auth == MailAuthMethod.OAuth2)
        {
            await output.WriteLineAsync($"Sign-in is OAuth2: an admin connects it once in the browser, under Settings > Tenants > Mailboxes > \"{name}\" > Connect.");
        }
        return 0;
    }
}
