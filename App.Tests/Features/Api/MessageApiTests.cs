using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Features.Replies;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BlazorTickets.Tests.Features.Api;

/// <summary>Messages, notes, replies and attachments of /api/v1, against the real app and a test SMTP server on loopback.</summary>
public sealed class MessageApiTests(AppFactory app) : IClassFixture<AppFactory>, IAsyncLifetime
{
    private TestSmtpServer smtp = null!;
    private TicketApiWorld world = null!;

    public async Task InitializeAsync()
    {
        world = await TicketApiWorld.OfAsync(app);
        smtp = await TestSmtpServer.StartAsync();
        await app.Services.GetRequiredService<SmtpSettingsService>().PointAtAsync(world.ContosoId, smtp);
    }

    public async Task DisposeAsync() => await smtp.DisposeAsync();

    [Theory]
    [InlineData("admin@contoso.example")]
    [InlineData("anna@contoso.example")]
    [InlineData("lena@contoso.example")]
    [InlineData("bill@contoso.example")]
    public async Task Every_staff_role_reads_the_conversation_with_attachment_metadata(string email)
    {
        using var client = await app.ApiClientAsync(email, ApiScopes.TicketsRead);

        using var response = await client.GetAsync($"/api/v1/tickets/{world.ContosoAttachmentTicketId}/messages");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var messages = (await TicketApiWorld.JsonOf(response)).EnumerateArray().ToList();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var stored = await db.Set<TicketMessage>().Where(m => m.TicketId == world.ContosoAttachmentTicketId).ToListAsync();
        messages.Should().HaveCount(stored.Count);
        messages.Select(m => m.GetProperty("date").GetDateTime()).Should().BeInAscendingOrder();
        var withFile = messages.Single(m => m.GetProperty("subject").GetString() == "Screenshot");
        withFile.GetProperty("direction").GetString().Should().Be("Inbound");
        withFile.GetProperty("text").GetString().Should().Be("See the picture.");
        var attachment = withFile.GetProperty("attachments")[0];
        attachment.GetProperty("id").GetInt32().Should().Be(world.ContosoAttachmentId);
        attachment.GetProperty("size").GetInt64().Should().Be(TicketApiWorld.AttachmentBytes.Length);
        attachment.GetProperty("url").GetString().Should().Be($"/api/v1/attachments/{world.ContosoAttachmentId}");
    }

    [Fact]
    public async Task Another_tenants_messages_notes_replies_and_attachments_are_404_for_a_limited_agent()
    {
        using var tina = await app.ApiClientAsync(TicketApiWorld.LimitedAgent);
        using var admin = await app.ApiClientAsync("admin@contoso.example", ApiScopes.TicketsRead);

        (await tina.GetAsync($"/api/v1/tickets/{world.OtherTicketId}/messages")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await tina.GetAsync($"/api/v1/tickets/{world.OtherTicketId}/messages/{world.OtherMessageId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await tina.GetAsync($"/api/v1/attachments/{world.OtherAttachmentId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await tina.PostAsJsonAsync($"/api/v1/tickets/{world.OtherTicketId}/notes", new { text = "Peek" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await tina.PostAsJsonAsync($"/api/v1/tickets/{world.OtherTicketId}/replies", new { text = "Hello", to = "nora@northwind-api.example" }))
            .StatusCode.Should().Be(HttpStatusCode.NotFound);
        using (var upload = FileContent("x.txt", "text/plain", "abc"u8.ToArray()))
        {
            (await tina.PostAsync($"/api/v1/tickets/{world.OtherTicketId}/attachments", upload)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        }
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<TicketMessage>().CountAsync(m => m.TicketId == world.OtherTicketId)).Should().Be(1, "nothing was added to the other tenant's ticket");
        (await db.Set<ReplyDraft>().CountAsync(d => d.TicketId == world.OtherTicketId)).Should().Be(0);

        (await admin.GetAsync($"/api/v1/tickets/{world.OtherTicketId}/messages")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.GetAsync($"/api/v1/attachments/{world.OtherAttachmentId}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_attachment_downloads_as_the_desk_serves_it_never_inline()
    {
        using var client = await app.ApiClientAsync("bill@contoso.example", ApiScopes.TicketsRead);

        using var response = await client.GetAsync($"/api/v1/attachments/{world.ContosoAttachmentId}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(TicketApiWorld.AttachmentBytes);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/octet-stream");
        response.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        response.Content.Headers.ContentDisposition.FileNameStar.Should().NotContain("/").And.NotContain("\u202E");
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");

        using var anonymous = app.ApiClient(null);
        (await anonymous.GetAsync($"/api/v1/attachments/{world.ContosoAttachmentId}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var timeOnly = await app.ApiClientAsync("bill@contoso.example", ApiScopes.TimeRead);
        (await timeOnly.GetAsync($"/api/v1/attachments/{world.ContosoAttachmentId}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var missing = await client.GetAsync("/api/v1/attachments/987654");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        missing.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task A_note_is_stored_as_internal_note_of_the_caller()
    {
        var ticketId = await ContosoTicketAsync(0);
        using var client = await app.ApiClientAsync("carla@contoso.example", ApiScopes.TicketsWrite);

        using var response = await client.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/notes", new { text = "  Called back, waiting for logs. " });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await TicketApiWorld.JsonOf(response);
        body.GetProperty("direction").GetString().Should().Be("InternalNote");
        var id = body.GetProperty("id").GetInt32();
        response.Headers.Location!.ToString().Should().Be($"/api/v1/tickets/{ticketId}/messages/{id}");
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var note = await db.Set<TicketMessage>().SingleAsync(m => m.Id == id);
        note.TicketId.Should().Be(ticketId);
        note.Direction.Should().Be(MessageDirection.InternalNote);
        note.TextBody.Should().Be("Called back, waiting for logs.");
        note.AuthorId.Should().Be(await TicketApiWorld.UserIdAsync(app, "carla@contoso.example"));

        await TicketApiTests.ShouldBeInvalidAsync(await client.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/notes", new { text = " " }), "text");
        using var readOnly = await app.ApiClientAsync("carla@contoso.example", ApiScopes.TicketsRead);
        (await readOnly.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/notes", new { text = "x" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var anonymous = app.ApiClient(null);
        (await anonymous.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/notes", new { text = "x" })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_reply_goes_through_the_outbox_wrapped_in_the_reply_text_block_with_an_uploaded_file_and_is_sent()
    {
        var ticketId = await ContosoTicketWithCustomerMessageAsync();
        using var client = await app.ApiClientAsync("anna@contoso.example", ApiScopes.TicketsRead, ApiScopes.TicketsWrite);
        byte[] pdf = [.. "%PDF-1.4 "u8, .. Enumerable.Range(0, 3000).Select(i => (byte)i)];
        int uploadId;
        using (var upload = FileContent("report.pdf", "application/pdf", pdf))
        {
            using var uploaded = await client.PostAsync($"/api/v1/tickets/{ticketId}/attachments", upload);
            uploaded.StatusCode.Should().Be(HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync());
            var file = await TicketApiWorld.JsonOf(uploaded);
            file.GetProperty("size").GetInt64().Should().Be(pdf.Length);
            uploadId = file.GetProperty("id").GetInt32();
        }
        string ticketTag;
        string customerAddress;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            ticketTag = (await db.Set<Ticket>().SingleAsync(t => t.Id == ticketId)).Tag;
            customerAddress = MailboxAddress.Parse((await db.Set<TicketMessage>().Where(m => m.TicketId == ticketId && m.Direction == MessageDirection.Inbound)
                .OrderByDescending(m => m.Date).ThenByDescending(m => m.Id).FirstAsync()).From).Address;
        }

        using var response = await client.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/replies",
            new { text = "We replaced the part.", attachmentIds = new[] { uploadId }, statusAfterSending = "WaitingForCustomer", composeId = "shop-42" });

        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var accepted = await TicketApiWorld.JsonOf(response);
        var messageId = accepted.GetProperty("messageId").GetInt32();
        accepted.GetProperty("delivery").GetProperty("state").GetString().Should().BeOneOf("Queued", "Sending", "Sent");
        response.Headers.Location!.ToString().Should().Be($"/api/v1/tickets/{ticketId}/messages/{messageId}");

        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var outbox = await db.Set<OutboxMail>().SingleAsync(o => o.TicketMessageId == messageId);
            outbox.TicketId.Should().Be(ticketId);
            outbox.StatusAfterSending.Should().Be(TicketStatus.WaitingForCustomer);
            var outbound = await db.Set<TicketMessage>().Include(m => m.Attachments).SingleAsync(m => m.Id == messageId);
            outbound.Direction.Should().Be(MessageDirection.Outbound);
            outbound.To.Should().Contain(customerAddress, "without a recipient the reply goes to the customer's newest message's sender");
            outbound.Subject.Should().StartWith("Re: ").And.Contain($"[{ticketTag}]");
            outbound.TextBody.Should().StartWith("We replaced the part.\n")
                .And.Contain($"Ticket {ticketTag} · please keep the ticket number in the subject when you reply.", "the reply text block wraps the text as for the form")
                .And.Contain("> ", "the answered message is quoted");
            outbound.Attachments.Should().ContainSingle(a => a.FileName == "report.pdf" && a.Size == pdf.Length);
            (await db.Set<ReplyDraftAttachment>().AnyAsync(a => a.Id == uploadId)).Should().BeFalse("sending clears the draft with its files");
        }

        var received = (await smtp.WaitForAsync(1, TimeSpan.FromSeconds(20))).Single(m => (m.Subject ?? "").Contains(ticketTag));
        received.TextBody.Should().StartWith("We replaced the part.");
        received.Attachments.OfType<MimePart>().Should().ContainSingle(a => a.FileName == "report.pdf");
        await WaitUntilAsync(async () =>
        {
            using var state = await client.GetAsync($"/api/v1/tickets/{ticketId}/messages/{messageId}");
            return (await TicketApiWorld.JsonOf(state)).GetProperty("delivery").GetProperty("state").GetString() == "Sent";
        });
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            await WaitUntilAsync(async () => (await db.Set<Ticket>().AsNoTracking().SingleAsync(t => t.Id == ticketId)).Status == TicketStatus.WaitingForCustomer);
        }

        using var again = await client.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/replies", new { text = "We replaced the part.", composeId = "shop-42" });
        again.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var repeated = await TicketApiWorld.JsonOf(again);
        repeated.GetProperty("messageId").GetInt32().Should().Be(messageId);
        repeated.GetProperty("wasAlreadyQueued").GetBoolean().Should().BeTrue();
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            (await db.Set<OutboxMail>().CountAsync(o => o.TicketId == ticketId)).Should().Be(1, "the same compose id queues once");
        }
    }

    [Fact]
    public async Task A_reply_with_a_bad_recipient_empty_text_or_a_foreign_upload_is_400_and_nothing_is_queued()
    {
        var ticketId = await ContosoTicketAsync(2);
        using var client = await app.ApiClientAsync("ben@contoso.example");
        var outboxBefore = await OutboxCountAsync();

        var problem = await TicketApiTests.ShouldBeInvalidAsync(
            await client.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/replies", new { text = " ", to = "not an address" }), "to", "text");
        problem.GetProperty("errors").GetProperty("text")[0].GetString().Should().Be("Write the reply first.");
        await TicketApiTests.ShouldBeInvalidAsync(
            await client.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/replies", new { text = "Hi", to = "a@b.example", attachmentIds = new[] { 987654 } }), "attachmentIds");
        await TicketApiTests.ShouldBeInvalidAsync(
            await client.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/replies", new { text = "Hi", to = "a@b.example", templateId = 987654 }), "templateId");

        (await OutboxCountAsync()).Should().Be(outboxBefore);
        using var readOnly = await app.ApiClientAsync("ben@contoso.example", ApiScopes.TicketsRead);
        (await readOnly.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/replies", new { text = "Hi", to = "a@b.example" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_upload_over_the_reply_forms_limit_is_400_with_the_file_field()
    {
        var ticketId = await ContosoTicketAsync(3);
        using var client = await app.ApiClientAsync("anna@contoso.example", ApiScopes.TicketsWrite);

        using var tooLarge = FileContent("huge.bin", "application/octet-stream", new byte[ReplyLimits.MaxFileBytes + 1]);
        var problem = await TicketApiTests.ShouldBeInvalidAsync(await client.PostAsync($"/api/v1/tickets/{ticketId}/attachments", tooLarge), "file");
        problem.GetProperty("errors").GetProperty("file")[0].GetString().Should().Be("huge.bin is larger than 10 MB per file.");
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<ReplyDraftAttachment>().AnyAsync(a => a.Draft.TicketId == ticketId)).Should().BeFalse();

        using var readOnly = await app.ApiClientAsync("anna@contoso.example", ApiScopes.TicketsRead);
        using var small = FileContent("a.txt", "text/plain", "a"u8.ToArray());
        (await readOnly.PostAsync($"/api/v1/tickets/{ticketId}/attachments", small)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    private static MultipartFormDataContent FileContent(string fileName, string contentType, byte[] bytes)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    private async Task<int> ContosoTicketAsync(int nth)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().Where(t => t.TenantId == world.ContosoId && t.MergedIntoTicketId == null && t.Id != world.ContosoAttachmentTicketId)
            .OrderBy(t => t.Number).Skip(nth).Select(t => t.Id).FirstAsync();
    }

    private async Task<int> ContosoTicketWithCustomerMessageAsync()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>()
            .Where(t => t.TenantId == world.ContosoId && t.MergedIntoTicketId == null && t.Id != world.ContosoAttachmentTicketId
                && t.Messages.Any(m => m.Direction == MessageDirection.Inbound && m.From.Contains("@")))
            .OrderByDescending(t => t.Number).Select(t => t.Id).FirstAsync();
    }

    private async Task<int> OutboxCountAsync()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<OutboxMail>().CountAsync();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            DateTime.UtcNow.Should().BeBefore(until, "the outbox worker sends within seconds");
            await Task.Delay(100);
        }
    }
}
