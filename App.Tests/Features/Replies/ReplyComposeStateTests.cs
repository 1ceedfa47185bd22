using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Replies.Components;
using BlazorTickets.Features.TextBlocks;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Shared;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Replies;

/// <summary>The compose form's rules without a browser: over the demo data in a real SQLite file.</summary>
public sealed class ReplyComposeStateTests : IAsyncLifetime
{
    private TestServices app = null!;
    private string agentId = "";

    public async Task InitializeAsync()
    {
        app = await TestServices.CreateAsync(seedDemoData: true);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        agentId = await db.Users.Where(u => u.Email == BlazorTicketsTestContext.AgentEmail).Select(u => u.Id).SingleAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private ReplyComposeState NewState() => new(app.Get<ReplyService>());

    private async Task<int> TicketWithMailAsync(int number, string subject)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var customer = await db.Set<Customer>().SingleAsync(c => c.Name == "Max Mustermann");
        var ticket = new Ticket
        {
            Number = number,
            Subject = subject,
            Status = TicketStatus.Open,
            TenantId = customer.TenantId,
            CustomerId = customer.Id,
            CreatedAt = FixedTimeProvider.DefaultNow.UtcDateTime,
            UpdatedAt = FixedTimeProvider.DefaultNow.UtcDateTime,
        };
        db.Set<Ticket>().Add(ticket);
        await db.SaveChangesAsync();
        await AddMessageAsync(ticket.Id, subject, "Max Mustermann <max.mustermann@fabrikam.example>");
        return ticket.Id;
    }

    private async Task<int> AddMessageAsync(int ticketId, string subject, string from)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var message = new TicketMessage
        {
            TicketId = ticketId,
            Direction = MessageDirection.Inbound,
            From = from,
            To = "support@contoso.example",
            Subject = subject,
            Date = FixedTimeProvider.DefaultNow.UtcDateTime.AddMinutes(await db.Set<TicketMessage>().CountAsync(m => m.TicketId == ticketId)),
            TextBody = "Hello",
            MessageId = $"{Guid.NewGuid():N}@fabrikam.example",
        };
        db.Add(message);
        await db.SaveChangesAsync();
        return message.Id;
    }

    [Fact]
    public async Task A_fresh_form_answers_the_customer_with_re_and_the_ticket_tag()
    {
        var state = NewState();
        await state.LoadAsync(await TicketWithMailAsync(9101, "Printer"), agentId, 1);

        state.Input!.Subject.Should().Be("Re: Printer [#9101]");
        state.Input.To.Should().Be("max.mustermann@fabrikam.example");
        state.HasDraft.Should().BeFalse();
    }

    [Fact]
    public async Task A_new_customer_message_is_answered_but_a_subject_the_agent_typed_stays()
    {
        var ticketId = await TicketWithMailAsync(9102, "First");
        var state = NewState();
        await state.LoadAsync(ticketId, agentId, 1);
        state.Input!.Subject = "My own subject";

        var second = await AddMessageAsync(ticketId, "Second", "Erika <erika@fabrikam.example>");
        await state.LoadAsync(ticketId, agentId, 2);

        state.Input.AnsweredMessageId.Should().Be(second);
        state.Input.To.Should().Be("erika@fabrikam.example", "the recipient was filled in, not typed");
        state.Input.Subject.Should().Be("My own subject");
    }

    [Fact]
    public async Task A_message_the_agent_chose_is_kept_when_the_customer_writes_again()
    {
        var ticketId = await TicketWithMailAsync(9103, "First");
        var state = NewState();
        await state.LoadAsync(ticketId, agentId, 1);
        var first = state.Input!.AnsweredMessageId;
        await AddMessageAsync(ticketId, "Second", "Erika <erika@fabrikam.example>");
        await state.LoadAsync(ticketId, agentId, 2);

        state.ChooseAnswered(first);
        await AddMessageAsync(ticketId, "Third", "Erika <erika@fabrikam.example>");
        await state.LoadAsync(ticketId, agentId, 3);

        state.Input.AnsweredMessageId.Should().Be(first);
        state.Input.Subject.Should().Be("Re: First [#9103]");
    }

    [Fact]
    public async Task Unknown_placeholders_in_the_body_are_listed_and_known_ones_are_not()
    {
        var state = NewState();
        await state.LoadAsync(await TicketWithMailAsync(9104, "Placeholders"), agentId, 1);

        state.ChangeBody("Dear {{customer_name}}, see {{no_such_thing}}");

        state.UnknownPlaceholders.Should().ContainSingle().Which.Should().Contain("no_such_thing");
    }

    [Fact]
    public async Task A_file_over_the_per_file_limit_or_over_the_total_is_refused_with_its_name()
    {
        var state = NewState();
        await state.LoadAsync(await TicketWithMailAsync(9105, "Files"), agentId, 1);

        state.RefusalOf("huge.bin", ReplyLimits.MaxFileBytes + 1)!.Arguments.Should().Contain("huge.bin");
        state.RefusalOf("ok.bin", ReplyLimits.MaxFileBytes).Should().BeNull();

        state.Attach("a.bin", "", new byte[ReplyLimits.MaxFileBytes]);
        state.Attach("b.bin", "", new byte[ReplyLimits.MaxFileBytes]);
        state.RefusalOf("c.bin", ReplyLimits.MaxFileBytes)!.Format.Should().Contain("in total");
        state.Input!.Attachments[0].ContentType.Should().Be("application/octet-stream");

        state.ShowRefusals([new ErrorMessage("{0} is too much.", "c.bin"), new ErrorMessage("{0} is too much.", "d.bin")]);
        state.Errors.English("Attachments").Should().Be("c.bin is too much. d.bin is too much.");
        state.Remove(state.Input.Attachments[0]);
        state.Errors.Should().NotContainKey("Attachments");
    }

    [Fact]
    public async Task An_invalid_reply_shows_its_errors_and_a_saved_draft_comes_back_in_a_new_state()
    {
        var ticketId = await TicketWithMailAsync(9106, "Draft");
        var state = NewState();
        await state.LoadAsync(ticketId, agentId, 1);

        (await state.SendAsync(agentId)).Should().BeFalse();
        state.Errors.Should().ContainKey("Body");

        state.ChangeBody("Half written");
        await state.SaveDraftAsync(agentId);
        state.HasDraft.Should().BeTrue();

        var reopened = NewState();
        await reopened.LoadAsync(ticketId, agentId, 1);
        reopened.HasDraft.Should().BeTrue();
        reopened.Input!.Body.Should().Be("Half written");

        await reopened.DiscardDraftAsync(ticketId, agentId);
        reopened.HasDraft.Should().BeFalse();
        reopened.Input!.Body.Should().BeEmpty();
        (await app.Get<ReplyService>().LoadDraftAsync(ticketId, agentId)).Should().BeNull();
    }

    [Fact]
    public async Task A_template_that_fills_a_placeholder_with_nothing_needs_confirming_again()
    {
        var ticketId = await TicketWithMailAsync(9107, "Template");
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var tenantId = await db.Set<Ticket>().Where(t => t.Id == ticketId).Select(t => t.TenantId).SingleAsync();
            db.Set<TextBlock>().Add(new() { TenantId = tenantId, Key = "test-expected-date", Name = "Expected date", Body = "Expected on {{expected_date}}.", IsReplyTemplate = true });
            await db.SaveChangesAsync();
        }
        var state = NewState();
        await state.LoadAsync(ticketId, agentId, 1);
        var template = state.Context!.Templates.Single(t => t.Name == "Expected date");
        state.Input!.EmptyPlaceholdersConfirmed = true;

        state.InsertTemplate(template.Id);

        state.Input.EmptyPlaceholders.Should().Contain(ReplyPlaceholders.ExpectedDate);
        state.Input.EmptyPlaceholdersConfirmed.Should().BeFalse();
        state.Input.Body.Should().StartWith("Expected on");
    }

    [Fact]
    public async Task A_customer_message_that_came_in_while_the_agent_wrote_stops_the_send_until_the_agent_has_seen_it()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        var ticketId = await TicketWithMailAsync(9120, "Invoice");
        int tenantId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            tenantId = await db.Set<Ticket>().Where(t => t.Id == ticketId).Select(t => t.TenantId).SingleAsync();
        }
        await app.Get<SmtpSettingsService>().PointAtAsync(tenantId, smtp);
        var state = NewState();
        await state.LoadAsync(ticketId, agentId, 1);
        state.ChangeBody("Here is the corrected invoice.");

        var automatic = await AddMessageAsync(ticketId, "Out of office", "Max Mustermann <max.mustermann@fabrikam.example>");
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            await db.Set<TicketMessage>().Where(m => m.Id == automatic).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsAutomatic, true));
        }
        var written = await AddMessageAsync(ticketId, "Re: Invoice", "Max Mustermann <max.mustermann@fabrikam.example>");
        await state.LoadAsync(ticketId, agentId, 3);

        (await state.SendAsync(agentId)).Should().BeFalse();
        state.UnseenCustomerMessages.Select(m => m.Id).Should().Equal([written], "an automatic reply is no reason to stop");
        state.Input!.Body.Should().Be("Here is the corrected invoice.", "nothing the agent wrote is lost");
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            (await db.Set<OutboxMail>().CountAsync(o => o.TicketId == ticketId)).Should().Be(0, "nothing was sent");
        }

        state.AcknowledgeUnseen();
        state.UnseenCustomerMessages.Should().BeEmpty();
        (await state.SendAsync(agentId)).Should().BeTrue();
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            (await db.Set<OutboxMail>().CountAsync(o => o.TicketId == ticketId)).Should().Be(1);
        }
    }
}
