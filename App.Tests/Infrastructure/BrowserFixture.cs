using BlazorTickets.Features.Account;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>
/// One headless Debian Chromium driven by Playwright, shared by every browser test class in
/// <see cref="BrowserCollection"/>. Playwright's own browser download cannot work here, so it launches /usr/bin/chromium.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Generous: waits end as soon as the page is ready, the limit only matters when something is broken.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private IPlaywright? playwright;
    private IBrowser? browser;

    public IBrowser Browser => browser ?? throw new InvalidOperationException("The browser is not started.");

    public async Task InitializeAsync()
    {
        // Expect() waits 5 s by default, too little for a busy 2-core machine; a wait ends as soon as it holds anyway.
        Assertions.SetDefaultExpectTimeout((float)DefaultTimeout.TotalMilliseconds);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Without the networking flags Chromium keeps calling outside hosts, which this machine refuses.
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run",
            ],
        });
    }

    /// <summary>A fresh, isolated browser profile (own cookies) whose relative URLs resolve against <paramref name="baseUrl"/>.</summary>
    public async Task<IBrowserContext> NewContextAsync(string baseUrl, string locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, Locale = locale });
        context.SetDefaultTimeout((float)DefaultTimeout.TotalMilliseconds);
        context.SetDefaultNavigationTimeout((float)DefaultTimeout.TotalMilliseconds);
        return context;
    }

    /// <summary>A page in a context of its own; close <c>page.Context</c> when done.</summary>
    public async Task<IPage> NewPageAsync(string baseUrl, string locale = "en-US")
    {
        var context = await NewContextAsync(baseUrl, locale);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// Signs in through the real login form in a new context and returns the page after the redirect;
    /// close <c>page.Context</c> when done.
    /// </summary>
    public async Task<IPage> SignInAsync(string baseUrl, string email, string password)
    {
        var page = await NewPageAsync(baseUrl);
        await SignInAsync(page, email, password);
        return page;
    }

    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync(AccountServiceCollectionExtensions.LoginPath);
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
        try
        {
            // Commit, not load: the redirect target's scripts may take a while on a busy machine, and callers wait for what they need.
            await page.WaitForURLAsync(url => !IsLoginPage(url), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException)
        {
            var error = await page.Locator("[data-testid=login-error], .validation-message").AllInnerTextsAsync();
            throw new InvalidOperationException(
                $"Sign-in as {email} stayed on {page.Url}: '{string.Join(" ", error)}'. Page title: '{await page.TitleAsync()}'.");
        }
    }

    /// <summary>
    /// Waits until the Blazor circuit has rendered interactively. Prerendered markup shows rows before that,
    /// and a click or a keystroke that lands earlier is lost.
    /// </summary>
    public static Task WaitForCircuitAsync(IPage page) =>
        page.Locator("[data-testid=circuit-ready]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    private static bool IsLoginPage(string url) =>
        new Uri(url).AbsolutePath.Equals(AccountServiceCollectionExtensions.LoginPath, StringComparison.OrdinalIgnoreCase);

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }
        playwright?.Dispose();
    }
}

/// <summary>Browser test classes share one Chromium and run one after another (the machine has 2 cores).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
