using System.Net;
using AngleSharp.Html.Parser;
using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>
/// The real app over a private data folder (SQLite file, key ring), demo data seeded by default.
/// Use it as a class fixture so the host and the seed are built once per test class.
/// In-memory TestServer by default; <see cref="ServerAddress"/> switches to Kestrel on a free loopback port.
/// </summary>
public class AppFactory : WebApplicationFactory<Program>
{
    private readonly TempFolder folder = new();
    private readonly Lock startGate = new();
    private string? serverAddress;

    /// <summary>SQLite in the data folder, or a new database in the test run's PostgreSQL cluster.</summary>
    public DatabaseProvider Provider { get; init; } = DatabaseProvider.Sqlite;

    private TestDatabase? database;
    private readonly TestDatabase? sharedDatabase;

    /// <summary>
    /// A database another host uses too (a second node); this factory neither creates nor drops it. Default: a database
    /// of its own for <see cref="Provider"/>.
    /// </summary>
    public TestDatabase? Database
    {
        get => sharedDatabase ?? database;
        init => sharedDatabase = value;
    }

    /// <summary>Null leaves the setting to the environment's appsettings, as an operator's start does.</summary>
    public bool? SeedDemoData { get; init; } = true;

    /// <summary>The hosting environment; the app's demo default comes from appsettings.Development.json.</summary>
    public string Environment { get; init; } = "Development";

    /// <summary>More configuration, e.g. a short session check interval.</summary>
    public Dictionary<string, string?> Settings { get; init; } = [];

    /// <summary>Replaces app services after the app registered its own (e.g. a clock or a counting hasher).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>Everything the app logged at Warning or above, e.g. the first-admin setup link.</summary>
    public LogCapture Log { get; } = new();

    public string DataFolder => folder.Path;

    public IDbContextFactory<AppDbContext> DbFactory => Services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    /// <summary>
    /// Base address of the app on Kestrel, e.g. http://127.0.0.1:41234, for browser tests.
    /// The first call starts Kestrel; it must come before anything else starts the in-memory server.
    /// </summary>
    public string ServerAddress
    {
        get
        {
            lock (startGate)
            {
                if (serverAddress is null)
                {
                    // Port 0: the OS picks a free port, so parallel test classes never collide.
                    UseKestrel(0);
                    StartServer();
                    var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
                    serverAddress = addresses.Single().TrimEnd('/');
                }
                return serverAddress;
            }
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting($"{DataOptions.Section}:{nameof(DataOptions.DataFolder)}", folder.Path);
        // The host builds in a synchronous override; creating a database takes a few milliseconds.
        if (sharedDatabase is null)
        {
            database ??= TestDatabase.CreateAsync(Provider).GetAwaiter().GetResult();
        }
        foreach (var (key, value) in (sharedDatabase ?? database)!.Settings())
        {
            builder.UseSetting(key, value);
        }
        if (SeedDemoData is bool seed)
        {
            builder.UseSetting($"{DataOptions.Section}:{nameof(DataOptions.SeedDemoData)}", seed ? "true" : "false");
        }
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(Log));
        if (TestServices is { } configure)
        {
            builder.ConfigureTestServices(configure);
        }
        // Keeps the test output readable; warnings and errors still show.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore.DataProtection", "Error");
    }

    /// <summary>A client that keeps cookies and does not follow redirects, so tests can assert them.</summary>
    public HttpClient CreateBrowserLikeClient() =>
        CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = true,
            BaseAddress = ClientBaseAddress,
        });

    /// <summary>The base address for test clients: with Kestrel the client talks over a real socket and needs the real address.</summary>
    public Uri ClientBaseAddress => serverAddress is null ? new Uri("http://localhost") : new Uri(serverAddress);

    /// <summary>Signs in through the real login form (antiforgery token, form handler) and returns the client holding the cookie.</summary>
    public async Task<HttpClient> SignedInClientAsync(string email, string password)
    {
        var client = CreateBrowserLikeClient();
        using var response = await PostLoginAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            var body = await response.Content.ReadAsStringAsync();
            client.Dispose();
            throw new InvalidOperationException($"Sign-in as {email} answered {(int)response.StatusCode} instead of a redirect:\n{body}");
        }
        return client;
    }

    /// <summary>Fetches the login form and posts it back filled in, as a browser would.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password)
    {
        var form = await LoginFormAsync(client);
        form["Input.Email"] = email;
        form["Input.Password"] = password;
        return await client.PostAsync(AccountServiceCollectionExtensions.LoginPath, new FormUrlEncodedContent(form));
    }

    /// <summary>The hidden fields of the login form (antiforgery token and <c>_handler</c>), read from a real GET.</summary>
    public static async Task<Dictionary<string, string>> LoginFormAsync(HttpClient client)
    {
        var html = await client.GetStringAsync(AccountServiceCollectionExtensions.LoginPath);
        var document = new HtmlParser().ParseDocument(html);
        var hidden = document.QuerySelectorAll("form input[type=hidden]")
            .Where(i => i.GetAttribute("name") is "__RequestVerificationToken" or "_handler")
            .ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        if (!hidden.ContainsKey("__RequestVerificationToken") || !hidden.ContainsKey("_handler"))
        {
            throw new InvalidOperationException($"The login page has no antiforgery token or form handler:\n{html}");
        }
        return hidden;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (database is not null)
        {
            await database.DisposeAsync();
        }
        folder.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Keeps the app's log lines of Warning and above in memory.</summary>
public sealed class LogCapture : Microsoft.Extensions.Logging.ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> lines = new();

    public IReadOnlyList<string> Lines => lines.ToList();

    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.lines.Enqueue(formatter(state, exception));
            }
        }
    }
}
