using System.Globalization;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Portal;

[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class PortalBrowserTests : IClassFixture<AppFactory>
{
    private readonly BrowserFixture browser;
    private readonly AppFactory app;

    public PortalBrowserTests(BrowserFixture browser, AppFactory app)
    {
        this.browser = browser;
        this.app = app;
    }

    private static string InputOf(string testId) =>
        $"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea";

    /// <summary>What an agent's information panel does on save: the same service call.</summary>
    private async Task AgentSetsAsync(int ticketId, string note, DateTime expected, decimal effort)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var tickets = scope.ServiceProvider.GetRequiredService<TicketService>();
        var original = (await tickets.GetAsync(ticketId))!.Edit;
        var edited = original.Clone();
        edited.CustomerNote = note;
        edited.ExpectedDate = expected;
        edited.EstimatedEffortHours = effort;
        (await tickets.SaveAsync(original, edited, "Anna Agent")).Should().BeOfType<SaveTicketResult.Saved>();
    }

    [Fact]
    public async Task A_customer_sees_what_the_agent_set_answers_with_a_file_and_the_agents_open_ticket_shows_the_answer_live()
    {
        var baseUrl = app.ServerAddress;
        var max = await PortalTestData.CustomerAsync(app.DbFactory, PortalTestData.MaxEmail);
        var ticketId = await PortalTestData.CreateTicketAsync(app.DbFactory, max, "Scanner on 3rd floor");
        var number = Ticket.FormatNumber(await NumberOfAsync(ticketId));
        var expected = new DateTime(2026, 4, 2);
        await AgentSetsAsync(ticketId, "A technician comes on Monday.", expected, 2.5m);
        var english = CultureInfo.GetCultureInfo("en");

        var agent = await browser.SignInAsync(baseUrl, "anna@contoso.example", DemoDataSeeder.Password);
        var customer = await browser.SignInAsync(baseUrl, PortalTestData.MaxEmail, DemoDataSeeder.Password);
        try
        {
            await agent.GotoAsync($"/tickets/{ticketId}");
            await BrowserFixture.WaitForCircuitAsync(agent);
            await Assertions.Expect(agent.Locator("[data-testid=message]")).ToHaveCountAsync(2);
            var agentPageLoads = 0;
            agent.Load += (_, _) => agentPageLoads++;

            // 1. The list and the ticket show the note, the expected date and the effort.
            new Uri(customer.Url).AbsolutePath.Should().Be("/portal");
            var row = customer.Locator("tr", new PageLocatorOptions { Has = customer.Locator($"[data-testid=portal-ticket-link]:text-is('{number}')") });
            await Assertions.Expect(row.Locator("[data-testid=portal-ticket-note]")).ToHaveTextAsync("A technician comes on Monday.");
            await Assertions.Expect(row.Locator("[data-testid=portal-ticket-expected]")).ToHaveTextAsync(expected.ToString("d", english));
            await Assertions.Expect(row.Locator("[data-testid=portal-ticket-effort]")).ToHaveTextAsync("2.5 h");

            await BrowserFixture.WaitForCircuitAsync(customer);
            await row.Locator("[data-testid=portal-ticket-link]").ClickAsync();
            await customer.WaitForURLAsync(url => url.EndsWith($"/portal/tickets/{ticketId}"));
            await Assertions.Expect(customer.Locator("[data-testid=ticket-title]")).ToContainTextAsync(number);
            await Assertions.Expect(customer.Locator("[data-testid=portal-customer-note]")).ToHaveTextAsync("A technician comes on Monday.");
            await Assertions.Expect(customer.Locator("[data-testid=portal-expected-date]")).ToHaveTextAsync(expected.ToString("d", english));
            await Assertions.Expect(customer.Locator("[data-testid=portal-effort]")).ToHaveTextAsync("2.5 h");

            // 2. The customer answers, with a file.
            await customer.FillAsync(InputOf("answer-text"), "Monday is fine, the door code is 4711.");
            await customer.SetInputFilesAsync("[data-testid=attachment-input]", new FilePayload
            {
                Name = "floor-plan.txt", MimeType = "text/plain", Buffer = "Room 3.14, left of the lift"u8.ToArray(),
            });
            await Assertions.Expect(customer.Locator("[data-testid=picked-file]")).ToContainTextAsync("floor-plan.txt");
            await customer.ClickAsync("[data-testid=send-answer]");
            await Assertions.Expect(customer.Locator("[data-testid=answer-sent]")).ToBeVisibleAsync();
            await Assertions.Expect(customer.Locator("[data-testid=message]")).ToHaveCountAsync(3);
            var download = await customer.Locator("[data-testid=message]").Last.Locator("[data-testid=attachment]").GetAttributeAsync("href");
            var file = await customer.Context.APIRequest.GetAsync(download!);
            file.Status.Should().Be(200);
            (await file.TextAsync()).Should().Be("Room 3.14, left of the lift");

            // 3. The agent's open ticket shows it without a reload, and the ticket is open again.
            await Assertions.Expect(agent.Locator("[data-testid=message]")).ToHaveCountAsync(3);
            await Assertions.Expect(agent.Locator("[data-testid=message]").Last).ToHaveAttributeAsync("data-direction", "Inbound");
            await Assertions.Expect(agent.Locator("[data-testid=message-body]").Last).ToHaveTextAsync("Monday is fine, the door code is 4711.");
            await Assertions.Expect(agent.Locator("[data-testid=message]").Last.Locator("[data-testid=attachment]")).ToContainTextAsync("floor-plan.txt");
            await Assertions.Expect(agent.Locator("[data-testid=status-chip]").First).ToHaveTextAsync("Open");
            agentPageLoads.Should().Be(0, "the answer must arrive over the agent's circuit, not by reloading the page");
        }
        finally
        {
            await agent.Context.CloseAsync();
            await customer.Context.CloseAsync();
        }
    }

    private async Task<int> NumberOfAsync(int ticketId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return db.Set<Ticket>().Where(t => t.Id == ticketId).Select(t => t.Number).Single();
    }
}
