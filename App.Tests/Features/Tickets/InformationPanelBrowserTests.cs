using BlazorTickets.Features.Demo;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>The information panel in a real browser: the date-time picker's values and typing during a live update.</summary>
[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class InformationPanelBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>
{
    private static string InputOf(string testId) =>
        $"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea";

    private static ILocator FieldOf(IPage page, string testId) =>
        page.Locator(InputOf(testId)).Locator("xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' mud-input-control ')][1]");

    private async Task<IPage> OpenAsync(string email, string ticketPath, string locale = "en-US")
    {
        var page = await browser.NewPageAsync(app.ServerAddress, locale);
        await BrowserFixture.SignInAsync(page, email, DemoDataSeeder.Password);
        await page.GotoAsync(ticketPath);
        await BrowserFixture.WaitForCircuitAsync(page);
        return page;
    }

    [Fact]
    public async Task A_processing_start_and_end_filled_in_a_german_page_are_saved_and_shown_after_a_reload()
    {
        var anna = await OpenAsync("anna@contoso.example", "/tickets/20", "de-DE");
        try
        {
            await anna.FillAsync(InputOf("field-processing-start"), "2026-03-20T09:15");
            await anna.FillAsync(InputOf("field-processing-end"), "2026-03-20T17:45");
            await anna.ClickAsync("[data-testid=save-ticket]");

            await Assertions.Expect(anna.Locator("[data-testid=saved-message]")).ToBeVisibleAsync();
            await Assertions.Expect(FieldOf(anna, "field-processing-start")).Not.ToContainTextAsync("valid");

            await anna.ReloadAsync();
            await BrowserFixture.WaitForCircuitAsync(anna);
            await Assertions.Expect(anna.Locator(InputOf("field-processing-start"))).ToHaveValueAsync("2026-03-20T09:15");
            await Assertions.Expect(anna.Locator(InputOf("field-processing-end"))).ToHaveValueAsync("2026-03-20T17:45");
        }
        finally
        {
            await anna.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_negative_effort_is_marked_on_the_effort_field()
    {
        var anna = await OpenAsync("anna@contoso.example", "/tickets/21");
        try
        {
            await anna.FillAsync(InputOf("field-effort"), "-3");
            await anna.ClickAsync("[data-testid=save-ticket]");

            await Assertions.Expect(anna.Locator("[data-testid=validation-summary]")).ToBeVisibleAsync();
            await Assertions.Expect(FieldOf(anna, "field-effort")).ToContainTextAsync("The estimated effort must be 0 or more hours.");
            await Assertions.Expect(anna.Locator("[data-testid=saved-message]")).ToHaveCountAsync(0);
        }
        finally
        {
            await anna.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Text_typed_with_the_cursor_in_the_field_survives_another_agents_save_and_the_save_shows_the_conflict()
    {
        var ben = await OpenAsync("ben@contoso.example", "/tickets/22");
        var anna = await OpenAsync("anna@contoso.example", "/tickets/22");
        try
        {
            var bensNote = ben.Locator(InputOf("field-internal-note"));
            await bensNote.ClickAsync();
            await bensNote.PressAsync("Control+A");
            await bensNote.PressSequentiallyAsync("Ben: customer wants a callback");

            await anna.FillAsync(InputOf("field-internal-note"), "Anna: sent the new driver.");
            await anna.FillAsync(InputOf("field-customer-note"), "A new driver is on its way.");
            await anna.ClickAsync("[data-testid=save-ticket]");
            await Assertions.Expect(anna.Locator("[data-testid=saved-message]")).ToBeVisibleAsync();

            // The untouched field shows that Anna's save has reached Ben's page; the field he is typing in keeps his text.
            await Assertions.Expect(ben.Locator(InputOf("field-customer-note"))).ToHaveValueAsync("A new driver is on its way.");
            await bensNote.PressSequentiallyAsync(" tomorrow.");
            await Assertions.Expect(bensNote).ToBeFocusedAsync();
            await Assertions.Expect(bensNote).ToHaveValueAsync("Ben: customer wants a callback tomorrow.");

            await ben.ClickAsync("[data-testid=save-ticket]");

            await Assertions.Expect(ben.Locator("[data-testid=conflict-message]")).ToContainTextAsync("Anna Agent");
            await Assertions.Expect(ben.Locator("[data-testid=conflict-change]")).ToContainTextAsync("Ben: customer wants a callback tomorrow.");
            await Assertions.Expect(ben.Locator("[data-testid=saved-message]")).ToHaveCountAsync(0);
        }
        finally
        {
            await anna.Context.CloseAsync();
            await ben.Context.CloseAsync();
        }
    }
}
