using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Replies.Components;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BlazorTickets.Tests.Features.Replies;

public sealed class ReplyComposeTests : BunitContext, IAsyncLifetime
{
    private TestServices app = null!;
    private string agentId = "";

    public async Task InitializeAsync()
    {
        app = await TestServices.CreateAsync(seedDemoData: true);
        (agentId, _) = await this.SignInAsAgentAsync(app);
        Services.AddSingleton(app.Get<ReplyService>());
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await app.DisposeAsync();
    }

    private static string InputOf(string testId) =>
        $"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea";

    /// <summary>A ticket of customer Max with one mail from him under <paramref name="subject"/>.</summary>
    private async Task<int> TicketWithMailAsync(int number, string subject)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var customer = await db.Customers.SingleAsync(c => c.Name == "Max Mustermann");
        var ticket = new Ticket
        {
            Number = number,
            Subject = subject.Replace("Re: ", ""),
            Status = TicketStatus.Open,
            TenantId = customer.TenantId,
            CustomerId = customer.Id,
            ExpectedDate = new DateOnly(2026, 4, 1),
            CreatedAt = FixedTimeProvider.DefaultNow.UtcDateTime,
            UpdatedAt = FixedTimeProvider.DefaultNow.UtcDateTime,
            Messages =
            [
                new TicketMessage
                {
                    Direction = MessageDirection.Inbound,
                    From = "Max Mustermann <max.mustermann@fabrikam.example>",
                    To = "support@contoso.example",
                    Subject = subject,
                    Date = FixedTimeProvider.DefaultNow.UtcDateTime,
                    TextBody = "Hello",
                    MessageId = $"m{number}@fabrikam.example",
                },
            ],
        };
        db.Tickets.Add(ticket);
        await db.SaveChangesAsync();
        return ticket.Id;
    }

    private IRenderedComponent<ReplyCompose> RenderCompose(int ticketId)
    {
        var cut = Render<ReplyCompose>(p => p.Add(x => x.TicketId, ticketId).Add(x => x.UserId, agentId));
        cut.WaitForElement(InputOf("reply-subject"));
        return cut;
    }

    [Fact]
    public async Task The_subject_is_the_original_with_re_and_the_ticket_tag_and_the_recipient_is_the_sender()
    {
        var cut = RenderCompose(await TicketWithMailAsync(9001, "Invoice question"));

        cut.Find(InputOf("reply-subject")).GetAttribute("value").Should().Be("Re: Invoice question [#9001]");
        cut.Find(InputOf("reply-to")).GetAttribute("value").Should().Be("max.mustermann@fabrikam.example");
    }

    [Fact]
    public async Task A_subject_that_already_starts_with_re_does_not_get_a_second_one()
    {
        var cut = RenderCompose(await TicketWithMailAsync(9002, "AW: Re: Invoice question"));

        cut.Find(InputOf("reply-subject")).GetAttribute("value").Should().Be("Re: Invoice question [#9002]");
    }

    [Fact]
    public async Task The_status_after_sending_is_answered_unless_chosen_otherwise()
    {
        var cut = RenderCompose(await TicketWithMailAsync(9003, "Status default"));

        cut.Find("[data-testid=reply-status]").TextContent.Should().Be("Answered");
    }

    [Fact]
    public async Task A_picked_template_is_inserted_with_its_placeholders_filled()
    {
        var cut = RenderCompose(await TicketWithMailAsync(9004, "Template case"));
        var templateSelect = cut.FindComponents<MudSelect<int?>>().Single(s => s.Markup.Contains("reply-template"));
        int templateId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            templateId = await db.TextBlocks.Where(b => b.Name == "Thank you, we are on it").Select(b => b.Id).SingleAsync();
        }

        await cut.InvokeAsync(() => templateSelect.Instance.ValueChanged.InvokeAsync(templateId));

        cut.WaitForAssertion(() =>
        {
            var body = cut.Find(InputOf("reply-body")).TextContent + cut.Find(InputOf("reply-body")).GetAttribute("value");
            body.Should().Contain("Dear Max Mustermann,").And.Contain("ticket #9004").And.Contain("Anna Agent").And.NotContain("{{");
        });
        cut.FindAll("[data-testid=reply-unknown-placeholders]").Should().BeEmpty();
    }

    [Fact]
    public async Task An_unknown_placeholder_is_reported_to_the_agent()
    {
        var cut = RenderCompose(await TicketWithMailAsync(9005, "Unknown placeholder"));

        cut.Find(InputOf("reply-body")).Input("Your order {{order_number}} ships today, {{customer_name}}.");

        cut.WaitForAssertion(() => cut.Find("[data-testid=reply-unknown-placeholders]").TextContent.Should().Contain("{{order_number}}").And.NotContain("customer_name"));
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_with_its_name_and_smaller_ones_are_attached()
    {
        var cut = RenderCompose(await TicketWithMailAsync(9006, "Attachments"));
        var input = cut.FindComponent<InputFile>();

        input.UploadFiles(
            InputFileContent.CreateFromText("small content", "notes.txt", contentType: "text/plain"),
            InputFileContent.CreateFromBinary(new byte[ReplyLimits.MaxFileBytes + 1], "huge.iso"));

        cut.WaitForAssertion(() =>
        {
            cut.Find("[data-testid=reply-attachments-error]").TextContent.Should().Contain("huge.iso").And.Contain("10 MB");
            cut.FindAll("[data-testid=reply-attachment]").Select(a => a.TextContent).Should().ContainSingle().Which.Should().Contain("notes.txt");
        });
    }

    [Fact]
    public async Task Files_together_over_the_total_limit_are_refused()
    {
        var cut = RenderCompose(await TicketWithMailAsync(9007, "Total limit"));
        var input = cut.FindComponent<InputFile>();
        var nineMegabytes = new byte[9 * 1024 * 1024];

        input.UploadFiles(
            InputFileContent.CreateFromBinary(nineMegabytes, "a.bin"),
            InputFileContent.CreateFromBinary(nineMegabytes, "b.bin"),
            InputFileContent.CreateFromBinary(nineMegabytes, "c.bin"));

        cut.WaitForAssertion(() =>
        {
            cut.Find("[data-testid=reply-attachments-error]").TextContent.Should().Contain("c.bin").And.Contain("25 MB");
            cut.FindAll("[data-testid=reply-attachment]").Should().HaveCount(2);
        }, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_saved_draft_comes_back_when_the_page_is_opened_again()
    {
        var ticketId = await TicketWithMailAsync(9008, "Draft in the browser");
        var first = RenderCompose(ticketId);
        first.Find(InputOf("reply-cc")).Change("boss@fabrikam.example");
        first.Find(InputOf("reply-body")).Input("Half a reply");
        await first.Find("[data-testid=reply-save-draft]").ClickAsync(new());
        first.WaitForElement("[data-testid=reply-draft-saved]");
        await DisposeComponentsAsync();

        var second = RenderCompose(ticketId);

        second.Find(InputOf("reply-cc")).GetAttribute("value").Should().Be("boss@fabrikam.example");
        (second.Find(InputOf("reply-body")).TextContent + second.Find(InputOf("reply-body")).GetAttribute("value")).Should().Contain("Half a reply");
        second.Find("[data-testid=reply-draft-saved]").Should().NotBeNull();
    }
}
