using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Replies;

/// <summary>Files kept with an agent's reply draft for a later reply (the API's uploads), under the compose form's limits.</summary>
public sealed class ReplyDraftAttachmentTests(SeededDatabaseFixture fixture) : IClassFixture<SeededDatabaseFixture>
{
    private ReplyService Replies => fixture.Services.Get<ReplyService>();

    [Fact]
    public async Task Files_join_the_agents_draft_up_to_the_forms_count_and_only_that_agent_takes_them_for_that_ticket()
    {
        var (ticketId, otherTicketId) = await TicketsAsync(0);
        var anna = await UserIdAsync("anna@contoso.example");
        var ben = await UserIdAsync("ben@contoso.example");
        var ids = new List<int>();
        for (var i = 0; i < ReplyLimits.MaxFiles; i++)
        {
            var (id, errors) = await Replies.AddDraftAttachmentAsync(ticketId, anna, new ReplyAttachmentInput($"../part{i}.txt", "", [(byte)i]));
            errors.Should().BeEmpty();
            ids.Add(id!.Value);
        }

        var (refused, tooMany) = await Replies.AddDraftAttachmentAsync(ticketId, anna, new ReplyAttachmentInput("one-more.txt", "text/plain", [1]));

        refused.Should().BeNull();
        tooMany.Keys.Should().Equal("Attachments");
        var taken = await Replies.DraftAttachmentsAsync(ticketId, anna, [ids[3], ids[0]]);
        taken!.Select(f => (f.FileName, f.ContentType, f.Content[0])).Should().Equal(("_part0.txt", "application/octet-stream", (byte)0), ("_part3.txt", "application/octet-stream", (byte)3));
        (await Replies.DraftAttachmentsAsync(ticketId, ben, [ids[0]])).Should().BeNull("another agent's upload is not theirs to send");
        (await Replies.DraftAttachmentsAsync(otherTicketId, anna, [ids[0]])).Should().BeNull("an upload belongs to its ticket");
        (await Replies.LoadDraftAsync(ticketId, anna))!.Attachments.Should().HaveCount(ReplyLimits.MaxFiles, "the reply form shows the uploads in the agent's draft");
    }

    [Fact]
    public async Task Files_over_the_total_size_are_refused()
    {
        var (ticketId, _) = await TicketsAsync(2);
        var anna = await UserIdAsync("anna@contoso.example");
        var nineMegabytes = new byte[9 * 1024 * 1024];
        for (var i = 0; i < 2; i++)
        {
            (await Replies.AddDraftAttachmentAsync(ticketId, anna, new ReplyAttachmentInput($"big{i}.bin", "application/octet-stream", nineMegabytes))).Errors.Should().BeEmpty();
        }

        var (id, errors) = await Replies.AddDraftAttachmentAsync(ticketId, anna, new ReplyAttachmentInput("big2.bin", "application/octet-stream", nineMegabytes));

        id.Should().BeNull();
        errors.For("Attachments").Single().Format.Should().Be("All attachments together may not exceed {0} MB.");
        await using var db = await fixture.Services.DbFactory.CreateDbContextAsync();
        (await db.Set<ReplyDraftAttachment>().CountAsync(a => a.Draft.TicketId == ticketId)).Should().Be(2);
    }

    private async Task<(int, int)> TicketsAsync(int skip)
    {
        await using var db = await fixture.Services.DbFactory.CreateDbContextAsync();
        var ids = await db.Set<Ticket>().OrderBy(t => t.Number).Skip(skip).Take(2).Select(t => t.Id).ToListAsync();
        return (ids[0], ids[1]);
    }

    private async Task<string> UserIdAsync(string email)
    {
        await using var db = await fixture.Services.DbFactory.CreateDbContextAsync();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }
}
