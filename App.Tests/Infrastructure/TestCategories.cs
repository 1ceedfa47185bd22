namespace BlazorTickets.Tests.Infrastructure;

/// <summary>
/// Traits for the slow parts of the suite, so the rest can run alone while developing:
/// <c>dotnet test --filter "Category!=Browser&amp;Category!=MailServer"</c>.
/// </summary>
public static class TestCategories
{
    public const string Category = "Category";

    /// <summary>Drives the app in headless Chromium through Playwright.</summary>
    public const string Browser = "Browser";

    /// <summary>Talks to a real mail server: Dovecot over IMAP or the in-process SMTP server.</summary>
    public const string MailServer = "MailServer";

    /// <summary>Talks to a real PostgreSQL server started by the tests (<see cref="PostgresServer"/>).</summary>
    public const string Postgres = "Postgres";
}
