using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Replies.Components;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.TextBlocks;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;

namespace BlazorTickets.Tests.Features.Replies;

public sealed class ReplyComposeTests : BlazorTicketsTestContext
{
    private TestServices app = null!;
    private TestSmtpServer? smtp;
    private string agentId = "";

    public override async Task InitializeAsync()
    {
        app = await UseNewAppAsync(seedDemoData: true);
        (agentId, _) = await SignInAsAgentAsync();
    }

    protected override async Task CleanUpAsync()
    {
        if (smtp is not null)
        {
            await smtp.DisposeAsync();
        }
    }

    /// <summary>Gives the tenant a real SMTP server, so that Send queues.</summary>
    private async Task SmtpReadyAsync()
    {
        smtp = await TestSmtpServer.StartAsync();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var tenantId = await db.Set<Tenant>().Select(t => t.Id).FirstAsync();
        await app.Get<SmtpSettingsService>().PointAtAsync(tenantId, smtp);
    }

    private async Task<List<OutboxMail>> OutboxOfAsync(int ticketId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<OutboxMail>().AsNoTracking().Include(o => o.TicketMessage).ThenInclude(m => m!.Attachments)
            .Where(o => o.TicketId == ticketId).ToListAsync();
    }

    private async Task<int> TemplateIdAsync(string name)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<TextBlock>().Where(b => b.Name == name).Select(b => b.Id).SingleAsync();
    }

    private static IRenderedComponent<MudSelect<int?>> SelectOf(IRenderedComponent<ReplyCompose> cut, string testId) =>
        cut.FindComponents<MudSelect<int?>>().Single(s => s.Markup.Contains(testId));

    private string BodyOf(IRenderedComponent<ReplyCompose> cut) =>
        cut.Find(InputOf("reply-body")).TextContent + cut.Find(InputOf("reply-body")).GetAttribute("value");

    private static string InputOf(string testId) =>
        $"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea";

    /// <summary>A ticket of customer Max with one mail from him under <paramref name="subject"/>.</summary>
    private async Task<int> TicketWithMailAsync(int number, string subject, bool withExpectedDate = true)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var customer = await db.Set<Customer>().SingleAsync(c => c.Name == "Max Mustermann");
        var ticket = new Ticket
        {
            Number = number,
            Subject = subject.Replace("Re: ", ""),
            Status = TicketStatus.Open,
            TenantId = customer.TenantId,
            CustomerId = customer.Id,
            ExpectedDate = withExpectedDate ? new DateOnly(2026, 4, 1) : null,
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
        db.Set<Ticket>().Add(ticket);
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
            templateId = await db.Set<TextBlock>().Where(b => b.Name == "Thank you, we are on it").Select(b => b.Id).SingleAsync();
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

    [Fact]
    [Trait(TestCategories.Category, TestCategories.MailServer)]
    public async Task A_template_placeholder_without_a_value_is_named_in_the_warning_and_the_reply_goes_out_only_once_confirmed()
    {
        await SmtpReadyAsync();
        var ticketId = await TicketWithMailAsync(9010, "No expected date", withExpectedDate: false);
        var cut = RenderCompose(ticketId);
        var templateId = await TemplateIdAsync("Thank you, we are on it");

        await cut.InvokeAsync(() => SelectOf(cut, "reply-template").Instance.ValueChanged.InvokeAsync(templateId));

        cut.WaitForAssertion(() => cut.Find("[data-testid=reply-empty-placeholders]").TextContent.Should().Contain("Expected processing date"));
        await cut.Find("[data-testid=reply-send]").ClickAsync(new());
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=reply-error]").Select(e => e.TextContent).Should().Contain(t => t.Contains("confirm")));
        (await OutboxOfAsync(ticketId)).Should().BeEmpty("the agent has not confirmed the incomplete text");

        cut.Find("input[data-testid=reply-confirm-empty], [data-testid=reply-confirm-empty] input").Change(true);
        await cut.Find("[data-testid=reply-send]").ClickAsync(new());

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=reply-empty-placeholders]").Should().BeEmpty());
        (await OutboxOfAsync(ticketId)).Should().ContainSingle();
    }

    [Fact]
    [Trait(TestCategories.Category, TestCategories.MailServer)]
    public async Task After_sending_the_form_is_empty_again_attachments_template_cc_status_and_draft_included()
    {
        await SmtpReadyAsync();
        var ticketId = await TicketWithMailAsync(9011, "Clear after send");
        var cut = RenderCompose(ticketId);
        var templateId = await TemplateIdAsync("Thank you, we are on it");
        // As a click on the option does: the select takes the value, then tells the form.
        await cut.InvokeAsync(() => SelectOf(cut, "reply-template").Instance.SelectOption((int?)templateId));
        cut.WaitForAssertion(() => BodyOf(cut).Should().Contain("Dear Max Mustermann"));
        var fileInputBefore = cut.FindComponent<InputFile>().Instance;
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("report", "report.txt", contentType: "text/plain"));
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=reply-attachment]").Should().ContainSingle());
        cut.Find(InputOf("reply-cc")).Change("boss@fabrikam.example");
        await cut.InvokeAsync(() => cut.FindComponents<MudSelect<TicketStatus>>().Single().Instance.ValueChanged.InvokeAsync(TicketStatus.Closed));
        await cut.Find("[data-testid=reply-save-draft]").ClickAsync(new());
        cut.WaitForElement("[data-testid=reply-draft-saved]");

        await cut.Find("[data-testid=reply-send]").ClickAsync(new());

        cut.WaitForAssertion(() => BodyOf(cut).Should().BeEmpty());
        cut.FindAll("[data-testid=reply-attachment]").Should().BeEmpty();
        cut.Find("[data-testid=reply-template]").TextContent.Should().NotContain("Thank you, we are on it");
        cut.FindComponent<InputFile>().Instance.Should().NotBeSameAs(fileInputBefore, "the browser's file input must not keep the sent file, or picking it again adds nothing");
        SelectOf(cut, "reply-template").Instance.GetState(x => x.Value).Should().BeNull();
        cut.Find(InputOf("reply-cc")).GetAttribute("value").Should().BeNullOrEmpty();
        cut.Find("[data-testid=reply-status]").TextContent.Should().Be("Answered");
        cut.FindAll("[data-testid=reply-draft-saved]").Should().BeEmpty();
        (await app.Get<ReplyService>().LoadDraftAsync(ticketId, agentId)).Should().BeNull();
        var sent = (await OutboxOfAsync(ticketId)).Should().ContainSingle().Subject;
        sent.TicketMessage!.Attachments.Select(a => a.FileName).Should().Equal("report.txt");
        sent.StatusAfterSending.Should().Be(TicketStatus.Closed);

        // The next reply carries exactly what its own form shows.
        cut.Find(InputOf("reply-body")).Input("Second reply");
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("second", "second.txt", contentType: "text/plain"));
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=reply-attachment]").Select(a => a.TextContent).Should().ContainSingle().Which.Should().Contain("second.txt"));
        await cut.Find("[data-testid=reply-send]").ClickAsync(new());
        cut.WaitForAssertion(async () => (await OutboxOfAsync(ticketId)).Should().HaveCount(2));
        (await OutboxOfAsync(ticketId)).OrderBy(o => o.Id).Last().TicketMessage!.Attachments.Select(a => a.FileName).Should().Equal("second.txt");
    }

    [Fact]
    [Trait(TestCategories.Category, TestCategories.MailServer)]
    public async Task A_double_click_on_send_queues_one_reply_and_shows_no_error()
    {
        await SmtpReadyAsync();
        var ticketId = await TicketWithMailAsync(9012, "Double click");
        var cut = RenderCompose(ticketId);
        cut.Find(InputOf("reply-body")).Input("Sent once");

        await cut.Find("[data-testid=reply-send]").ClickAsync(new());
        await cut.Find("[data-testid=reply-send]").ClickAsync(new());

        cut.WaitForAssertion(() => BodyOf(cut).Should().BeEmpty());
        cut.Markup.Should().NotContain("Write the reply first");
        cut.FindAll(".mud-input-error").Should().BeEmpty();
        (await OutboxOfAsync(ticketId)).Should().ContainSingle();
    }

    private async Task<int> CustomerWritesAgainAsync(int ticketId, string subject)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var message = new TicketMessage
        {
            TicketId = ticketId,
            Direction = MessageDirection.Inbound,
            From = "Erika Muster <erika@fabrikam.example>",
            To = "support@contoso.example",
            Subject = subject,
            Date = FixedTimeProvider.DefaultNow.UtcDateTime.AddMinutes(10),
            TextBody = "One more thing",
            MessageId = $"again{ticketId}@fabrikam.example",
        };
        db.Set<TicketMessage>().Add(message);
        await db.SaveChangesAsync();
        return message.Id;
    }

    [Fact]
    public async Task A_new_customer_message_becomes_the_one_answered_and_typed_text_stays()
    {
        var ticketId = await TicketWithMailAsync(9013, "First question");
        var cut = Render<ReplyCompose>(p => p.Add(x => x.TicketId, ticketId).Add(x => x.UserId, agentId).Add(x => x.MessageCount, 1));
        cut.WaitForElement(InputOf("reply-subject"));
        cut.Find(InputOf("reply-body")).Input("Typed while the customer wrote");

        var newest = await CustomerWritesAgainAsync(ticketId, "Second question");
        cut.Render(p => p.Add(x => x.MessageCount, 2));

        cut.WaitForAssertion(() => SelectOf(cut, "reply-answered").Instance.GetState(x => x.Value).Should().Be(newest));
        cut.Find(InputOf("reply-subject")).GetAttribute("value").Should().Be("Re: Second question [#9013]");
        cut.Find(InputOf("reply-to")).GetAttribute("value").Should().Be("erika@fabrikam.example");
        BodyOf(cut).Should().Contain("Typed while the customer wrote");
    }

    [Fact]
    public async Task A_new_customer_message_keeps_a_subject_the_agent_edited_and_a_message_the_agent_chose()
    {
        var ticketId = await TicketWithMailAsync(9014, "Original");
        var first = (await app.Get<ReplyService>().GetContextAsync(ticketId, agentId))!.Messages.Single().Id;
        await CustomerWritesAgainAsync(ticketId, "Follow-up");
        var cut = Render<ReplyCompose>(p => p.Add(x => x.TicketId, ticketId).Add(x => x.UserId, agentId).Add(x => x.MessageCount, 2));
        cut.WaitForElement(InputOf("reply-subject"));
        cut.Find(InputOf("reply-subject")).Change("My own subject");

        var third = await AddInboundAsync(ticketId, "Third");
        cut.Render(p => p.Add(x => x.MessageCount, 3));

        cut.WaitForAssertion(() => SelectOf(cut, "reply-answered").Instance.GetState(x => x.Value).Should().Be(third));
        cut.Find(InputOf("reply-subject")).GetAttribute("value").Should().Be("My own subject");

        await cut.InvokeAsync(() => SelectOf(cut, "reply-answered").Instance.ValueChanged.InvokeAsync(first));
        var fourth = await AddInboundAsync(ticketId, "Fourth");
        cut.Render(p => p.Add(x => x.MessageCount, 4));

        SelectOf(cut, "reply-answered").Instance.GetState(x => x.Value).Should().Be(first, "the agent picked that message on purpose");
        (await app.Get<ReplyService>().GetContextAsync(ticketId, agentId))!.Messages.Select(m => m.Id).Should().Contain(fourth);
    }

    private async Task<int> AddInboundAsync(int ticketId, string subject)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var message = new TicketMessage
        {
            TicketId = ticketId,
            Direction = MessageDirection.Inbound,
            From = "Max Mustermann <max.mustermann@fabrikam.example>",
            To = "support@contoso.example",
            Subject = subject,
            Date = FixedTimeProvider.DefaultNow.UtcDateTime.AddMinutes(20 + await db.Set<TicketMessage>().CountAsync(m => m.TicketId == ticketId)),
            TextBody = subject,
            MessageId = $"{subject}{ticketId}@fabrikam.example",
        };
        db.Set<TicketMessage>().Add(message);
        await db.SaveChangesAsync();
        return message.Id;
    }

    [Fact]
    public async Task An_agent_sees_a_colleague_writing_a_reply_to_the_same_ticket_and_is_seen_writing_in_turn()
    {
        var ticketId = await TicketWithMailAsync(9130, "Both answering");
        var cut = RenderCompose(ticketId);
        var tracker = app.Get<PresenceTracker>();
        var myTab = Services.GetRequiredService<CircuitPresence>();
        myTab.Enter(ticketId, new Viewer(agentId, "Anna Agent"));
        cut.FindAll("[data-testid=reply-others-writing]").Should().BeEmpty();

        using var colleague = tracker.Enter(ticketId, new Viewer("ben-id", "Ben Berger", IsReplying: true));

        cut.WaitForAssertion(() => cut.Find("[data-testid=reply-others-writing]").TextContent.Should().Contain("Ben Berger is writing a reply to this ticket too."));

        cut.Find(InputOf("reply-body")).Input("Dear Max,");
        tracker.ViewersOf(ticketId).Should().Contain(new Viewer(agentId, "Anna Agent", IsReplying: true));

        colleague.Dispose();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=reply-others-writing]").Should().BeEmpty());
    }
}
