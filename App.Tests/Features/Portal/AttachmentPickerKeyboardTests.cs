using BlazorTickets.Features.Demo;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Portal;

/// <summary>"Attach files" in the portal is a button the keyboard reaches and that opens the file chooser.</summary>
[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class AttachmentPickerKeyboardTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Tab_reaches_attach_files_and_Enter_opens_the_file_chooser()
    {
        var page = await browser.SignInAsync(app.ServerAddress, PortalTestData.MaxEmail, DemoDataSeeder.Password);
        try
        {
            await page.GotoAsync("/portal/new");
            await BrowserFixture.WaitForCircuitAsync(page);
            var chooser = await OpenFileChooserByKeyboardAsync(page);
            chooser.IsMultiple.Should().BeTrue();
            await chooser.SetFilesAsync(new FilePayload { Name = "note.txt", MimeType = "text/plain", Buffer = "hello"u8.ToArray() });
            await page.Locator("[data-testid=picked-file]").WaitForAsync();
            (await page.Locator("[data-testid=picked-file]").InnerTextAsync()).Should().Contain("note.txt");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>
    /// Tab from the message text to "Attach files", then Enter. Tried a few times: in a loaded test run the page's first
    /// renders can still move focus between the Tab and the Enter.
    /// </summary>
    private static async Task<IFileChooser> OpenFileChooserByKeyboardAsync(IPage page)
    {
        for (var attempt = 1; ; attempt++)
        {
            await page.Locator("textarea[data-testid=new-text], [data-testid=new-text] textarea").First.FocusAsync();
            var reached = false;
            for (var i = 0; i < 5 && !reached; i++)
            {
                await page.Keyboard.PressAsync("Tab");
                reached = await page.EvaluateAsync<bool>("() => document.activeElement?.closest('[data-testid=attach-files]') !== null");
            }
            reached.Should().BeTrue("Tab from the message must reach \"Attach files\"");
            try
            {
                return await page.RunAndWaitForFileChooserAsync(() => page.Keyboard.PressAsync("Enter"),
                    new PageRunAndWaitForFileChooserOptions { Timeout = 5_000 });
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
    }
}
