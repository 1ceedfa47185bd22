using System.Security.Claims;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Portal;
using BlazorTickets.Features.Portal.Pages;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Portal;

/// <summary>The portal's ticket page in bUnit, signed in as Max, over the app's real services and a seeded SQLite file.</summary>
public sealed class PortalTicketViewTests : BlazorTicketsTestContext, IClassFixture<SeededDatabaseFixture>
{
    private readonly TestServices app;
    private PortalService portal = null!;
    private PortalCustomer max = null!;
    private PortalCustomer erika = null!;

    public PortalTicketViewTests(SeededDatabaseFixture fixture) : base(fixture.Services)
    {
        app = fixture.Services;
    }

    public override async Task InitializeAsync()
    {
        max = await PortalTestData.CustomerAsync(app.DbFactory, PortalTestData.MaxEmail);
        erika = await PortalTestData.CustomerAsync(app.DbFactory, PortalTestData.ErikaEmail);
        SignIn(max.Email, max.UserId, max.DisplayName, [Groups.Customer], null,
            new Claim(ClaimTypes.Email, max.Email),
            new Claim(AppClaimsPrincipalFactory.CustomerIdClaim, max.CustomerId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        // The circuit's own PortalService, the one the page gets.
        portal = Services.GetRequiredService<PortalService>();
    }

    /// <summary>Waits for renders that follow database work; generous, since it ends as soon as the assertion holds.</summary>
    private static void Eventually<T>(IRenderedComponent<T> cut, Action assertion, TimeSpan? timeout = null)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.WaitForAssertion(assertion, timeout ?? TimeSpan.FromSeconds(30));

    private IRenderedComponent<PortalTicket> RenderTicket(int id) => Render<PortalTicket>(p => p.Add(x => x.Id, id));

    private static string InputOf(string testId) =>
        $"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea";

    private async Task<List<TicketMessage>> MessagesAsync(int ticketId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<TicketMessage>().Include(m => m.Attachments).AsNoTracking()
            .Where(m => m.TicketId == ticketId).OrderBy(m => m.Id).ToListAsync();
    }

    [Fact]
    public async Task Shows_the_note_date_and_effort_and_the_conversation_but_no_internal_data()
    {
        var ticketId = await PortalTestData.CreateTicketAsync(app.DbFactory, max);
        var (secrets, _) = await PortalTestData.PlantSecretsAsync(app.DbFactory, ticketId);
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            await db.Set<Ticket>().Where(t => t.Id == ticketId).ExecuteUpdateAsync(s => s
                .SetProperty(t => t.CustomerNote, "A technician comes on Monday.")
                .SetProperty(t => t.ExpectedDate, new DateOnly(2026, 4, 2))
                .SetProperty(t => t.EstimatedEffortHours, 2.5m));
        }

        var cut = RenderTicket(ticketId);

        Eventually(cut, () =>
        {
            cut.Find("[data-testid=portal-customer-note]").TextContent.Trim().Should().Be("A technician comes on Monday.");
            cut.Find("[data-testid=portal-expected-date]").TextContent.Should().Be(new DateOnly(2026, 4, 2).ToString("d"));
            cut.Find("[data-testid=portal-effort]").TextContent.Should().Be("2.5 h");
            cut.FindAll("[data-testid=message]").Select(m => m.GetAttribute("data-direction")).Should().Equal("Inbound", "Outbound");
        });
        cut.Find("[data-testid=conversation]").TextContent.Should().Contain("Please send us a photo of the paper tray.");
        foreach (var secret in secrets.All)
        {
            cut.Markup.Should().NotContain(secret);
        }
    }

    [Fact]
    public async Task Another_customers_ticket_shows_not_found_and_nothing_of_it()
    {
        var erikas = await PortalTestData.CreateTicketAsync(app.DbFactory, erika, "Erika's confidential printer");

        var cut = RenderTicket(erikas);

        Eventually(cut, () => cut.Find("[data-testid=ticket-not-found]"));
        cut.Markup.Should().NotContain("Erika's confidential printer").And.NotContain("paper tray");
        cut.FindAll("[data-testid=send-answer]").Should().BeEmpty();
    }

    [Fact]
    public async Task An_answer_with_an_attachment_becomes_an_inbound_message_opens_the_ticket_and_clears_the_form()
    {
        var ticketId = await PortalTestData.CreateTicketAsync(app.DbFactory, max);
        var cut = RenderTicket(ticketId);
        Eventually(cut, () => cut.Find("[data-testid=send-answer]"));

        cut.Find(InputOf("answer-text")).Change("Here is the photo of the tray.");
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("tray photo", "tray.jpg", contentType: "image/jpeg"));
        Eventually(cut, () => cut.Find("[data-testid=picked-file]").TextContent.Should().Contain("tray.jpg"));
        await cut.Find("[data-testid=send-answer]").ClickAsync(new());

        Eventually(cut, () =>
        {
            cut.Find("[data-testid=answer-sent]");
            cut.FindAll("[data-testid=message]").Should().HaveCount(3);
            cut.FindAll("[data-testid=picked-file]").Should().BeEmpty();
            cut.Find(InputOf("answer-text")).GetAttribute("value").Should().BeNullOrEmpty();
        });
        var last = (await MessagesAsync(ticketId)).Last();
        last.Direction.Should().Be(MessageDirection.Inbound);
        last.TextBody.Should().Be("Here is the photo of the tray.");
        last.Attachments.Should().ContainSingle(a => a.FileName == "tray.jpg" && a.ContentType == "image/jpeg");
        (await portal.GetAsync(max, ticketId))!.Status.Should().Be(TicketStatus.Open);
    }

    [Fact]
    public async Task An_empty_answer_shows_an_error_and_saves_nothing()
    {
        var ticketId = await PortalTestData.CreateTicketAsync(app.DbFactory, max);
        var cut = RenderTicket(ticketId);
        Eventually(cut, () => cut.Find("[data-testid=send-answer]"));

        await cut.Find("[data-testid=send-answer]").ClickAsync(new());

        Eventually(cut, () => cut.Markup.Should().Contain(PortalValidation.TextMissing));
        (await MessagesAsync(ticketId)).Should().HaveCount(2);
        (await portal.GetAsync(max, ticketId))!.Status.Should().Be(TicketStatus.Answered);
    }

    [Fact]
    public async Task Too_long_an_answer_is_refused_with_the_count_and_the_text_stays()
    {
        var ticketId = await PortalTestData.CreateTicketAsync(app.DbFactory, max);
        var cut = RenderTicket(ticketId);
        Eventually(cut, () => cut.Find("[data-testid=send-answer]"));
        var text = new string('a', PortalLimits.MaxTextLength + 5);

        cut.Find(InputOf("answer-text")).Change(text);
        await cut.Find("[data-testid=send-answer]").ClickAsync(new());

        Eventually(cut, () => cut.Markup.Should().Contain($"Your message has {PortalLimits.MaxTextLength + 5} characters; at most {PortalLimits.MaxTextLength} are allowed."));
        cut.Find(InputOf("answer-text")).GetAttribute("value").Should().Be(text);
        (await MessagesAsync(ticketId)).Should().HaveCount(2);
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_with_its_name_and_size_and_the_others_stay()
    {
        var ticketId = await PortalTestData.CreateTicketAsync(app.DbFactory, max);
        var cut = RenderTicket(ticketId);
        Eventually(cut, () => cut.Find("[data-testid=send-answer]"));
        cut.Find(InputOf("answer-text")).Change("Two files.");

        cut.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromText("fine", "small.txt"),
            InputFileContent.CreateFromBinary(new byte[PortalLimits.MaxFileBytes + 1], "huge.iso"),
            InputFileContent.CreateFromBinary([], "empty.txt"));

        Eventually(cut, () =>
        {
            cut.FindAll("[data-testid=picked-file]").Select(f => f.TextContent).Should().ContainSingle().Which.Should().Contain("small.txt");
            var errors = cut.FindAll("[data-testid=attachment-error]").Select(e => e.TextContent.Trim()).ToList();
            errors.Should().HaveCount(2);
            errors[0].Should().Be("“huge.iso” (10 MB) is larger than the limit of 10 MB per file. It was not attached.");
            errors[1].Should().Be("“empty.txt” is empty and was not attached.");
        });
        cut.Find(InputOf("answer-text")).GetAttribute("value").Should().Be("Two files.");
    }

    [Fact]
    public async Task The_consent_switch_gives_and_withdraws_consent_and_shows_who_did_it()
    {
        var ticketId = await PortalTestData.CreateTicketAsync(app.DbFactory, max);
        var cut = RenderTicket(ticketId);
        Eventually(cut, () => cut.Find("input[data-testid=consent-switch], [data-testid=consent-switch] input"));

        cut.Find("input[data-testid=consent-switch], [data-testid=consent-switch] input").Change(true);
        Eventually(cut, () => cut.FindAll("[data-testid=consent-change]").Should().ContainSingle()
            .Which.TextContent.Should().Contain("Allowed by Max Mustermann"));
        cut.Find("input[data-testid=consent-switch], [data-testid=consent-switch] input").Change(false);

        Eventually(cut, () => cut.FindAll("[data-testid=consent-change]").Select(c => c.TextContent.Trim())
            .Should().SatisfyRespectively(
                latest => latest.Should().StartWith("Withdrawn by Max Mustermann"),
                first => first.Should().StartWith("Allowed by Max Mustermann")));
        (await portal.GetAsync(max, ticketId))!.TimeTrackingAllowed.Should().BeFalse();
    }

    [Fact]
    public async Task A_reply_saved_elsewhere_shows_without_a_reload()
    {
        var ticketId = await PortalTestData.CreateTicketAsync(app.DbFactory, max);
        var cut = RenderTicket(ticketId);
        Eventually(cut, () => cut.FindAll("[data-testid=message]").Should().HaveCount(2));

        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            db.Set<TicketMessage>().Add(new TicketMessage
            {
                TicketId = ticketId, Direction = MessageDirection.Outbound, From = "Contoso Support <support@contoso.example>",
                To = max.Email, Date = new DateTime(2026, 3, 16, 11, 0, 0, DateTimeKind.Utc), TextBody = "The technician is on the way.",
            });
            await db.SaveChangesAsync();
        }

        Eventually(cut, () => cut.Find("[data-testid=conversation]").TextContent.Should().Contain("The technician is on the way."),
            TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Ignores_an_internal_note_but_follows_a_change_the_customer_can_see()
    {
        var ticketId = await PortalTestData.CreateTicketAsync(app.DbFactory, max, "Live portal ticket");
        var cut = RenderTicket(ticketId);
        Eventually(cut, () => cut.Markup.Should().Contain("Live portal ticket"));
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var agent = await db.Users.FirstAsync(u => u.Email == "anna@contoso.example");
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listening = app.Get<TicketChangeNotifier>().Subscribe(change =>
        {
            if (change.TicketIds.Contains(ticketId))
            {
                heard.TrySetResult();
            }
            return Task.CompletedTask;
        });
        var rendersBefore = cut.RenderCount;

        await new TicketService(app.DbFactory, app.Get<TimeProvider>()).AddInternalNoteAsync(ticketId, "Agents only: call back", agent.Id, agent.DisplayName);
        await heard.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(300);

        cut.RenderCount.Should().Be(rendersBefore, "an internal note is nothing the customer sees");

        var ticket = await db.Set<Ticket>().SingleAsync(t => t.Id == ticketId);
        ticket.CustomerNote = "Technician comes on Monday";
        await db.SaveChangesAsync();

        Eventually(cut, () => cut.Markup.Should().Contain("Technician comes on Monday"));
    }
}
