namespace BlazorTickets.Features.Api.Tokens;

/// <summary>What a token may do; each endpoint names the one scope it needs besides the user's own role.</summary>
public static class ApiScopes
{
    public const string ClaimType = "scope";

    public const string TicketsRead = "tickets:read";
    public const string TicketsWrite = "tickets:write";
    public const string TimeRead = "time:read";
    public const string TimeWrite = "time:write";
    public const string CustomersRead = "customers:read";
    public const string CustomersWrite = "customers:write";
    public const string QuotesRead = "quotes:read";
    public const string QuotesWrite = "quotes:write";
    /// <summary>Tenants, users and groups, read only.</summary>
    public const string DirectoryRead = "directory:read";

    public static readonly IReadOnlyList<string> All =
        [TicketsRead, TicketsWrite, TimeRead, TimeWrite, CustomersRead, CustomersWrite, QuotesRead, QuotesWrite, DirectoryRead];

    /// <summary>What each scope lets a token do, in English; translated where shown.</summary>
    public static string Describe(string scope) => scope switch
    {
        TicketsRead => "Read tickets, messages and attachments",
        TicketsWrite => "Create and change tickets, post notes and replies, upload attachments",
        TimeRead => "Read time entries and timers",
        TimeWrite => "Log, change and delete time; start and stop timers",
        CustomersRead => "Read customers",
        CustomersWrite => "Create and change customers",
        QuotesRead => "Read quotes and their PDFs",
        QuotesWrite => "Change the status of quotes",
        DirectoryRead => "Read tenants, users and groups",
        _ => scope,
    };
}
