using BlazorTickets.Data;
using BlazorTickets.Features.Tenants;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Mail;

/// <summary>
/// <c>mail fetch [--tenant NAME]</c> and <c>mail configure --tenant NAME --host H --port P --user U --encryption none|ssl|starttls</c>
/// (password on standard input), for scripts and cron. Exit codes: 0 ok, 1 a fetch or the configuration failed, 2 usage.
/// </summary>
public static class MailCommandLine
{
    public static bool IsMailCommand(string[] args) => args.Length > 0 && args[0] == "mail";

    public const string Usage = """
        usage:
          mail fetch [--tenant NAME]
          mail configure --tenant NAME --host HOST --port PORT --user USER --encryption none|ssl|starttls [--folder FOLDER]
                         (reads the password from the first line of standard input)
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
        var query = db.Set<MailboxSettings>().AsNoTracking().Where(s => s.Host != "");
        if (options.TryGetValue("tenant", out var tenantName))
        {
            if (!await db.Set<Tenant>().AnyAsync(t => t.Name == tenantName))
            {
                await error.WriteLineAsync($"There is no tenant named \"{tenantName}\".");
                return 1;
            }
            query = query.Where(s => s.Tenant.Name == tenantName);
        }
        var mailboxes = await query.Select(s => new { s.TenantId, s.Tenant.Name }).ToListAsync();
        if (mailboxes.Count == 0)
        {
            await error.WriteLineAsync(tenantName is null ? "No tenant has a mailbox configured." : $"Tenant \"{tenantName}\" has no mailbox configured.");
            return 1;
        }
        var failed = false;
        foreach (var mailbox in mailboxes)
        {
            var summary = await fetcher.FetchAsync(mailbox.TenantId);
            await (summary.Succeeded ? output : error).WriteLineAsync($"{mailbox.Name}: {summary}");
            failed |= !summary.Succeeded;
        }
        return failed ? 1 : 0;
    }

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

        var dbFactory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        int tenantId;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var tenant = await db.Set<Tenant>().Where(t => t.Name == options["tenant"]).Select(t => (int?)t.Id).SingleOrDefaultAsync();
            if (tenant is null)
            {
                await error.WriteLineAsync($"There is no tenant named \"{options["tenant"]}\".");
                return 1;
            }
            tenantId = tenant.Value;
        }

        var settingsService = services.GetRequiredService<MailboxSettingsService>();
        var current = await settingsService.GetAsync(tenantId);
        current.Host = options["host"];
        current.Port = port;
        current.UserName = options["user"];
        current.Encryption = encryption.Value;
        if (options.TryGetValue("folder", out var folder))
        {
            current.Folder = folder;
        }
        current.NewPassword = (await input.ReadLineAsync())?.TrimEnd('\r');
        var errors = await settingsService.SaveAsync(tenantId, current);
        if (errors.Count > 0)
        {
            foreach (var message in errors.All)
            {
                await error.WriteLineAsync(message.ToString());
            }
            return 1;
        }
        await output.WriteLineAsync($"The mailbox of tenant \"{options["tenant"]}\" is now {current.UserName}@{current.Host}:{current.Port} ({current.Encryption}), folder {current.Folder}.");
        return 0;
    }
}
