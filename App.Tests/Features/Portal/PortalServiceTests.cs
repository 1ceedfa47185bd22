using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Portal;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Shared;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Portal;

/// <summary>One seeded database for the class; tests that change a ticket make their own with <see cref="PortalTestData.CreateTicketAsync"/>.</summary>
public sealed class PortalServiceTests(SeededDatabaseFixture fixture) : IClassFixture<SeededDatabaseFixture>, IAsyncLifetime
{
    private readonly TestServices app = fixture.Services;
    private PortalService portal = null!;
    private PortalCustomer max = null!;
    private PortalCustomer erika = null!;

    public async Task InitializeAsync()
    {
        portal = new PortalService(app.DbFactory, app.Get<TimeProvider>());
        max = await PortalTestData.CustomerAsync(app.DbFactory, PortalTestData.MaxEmail);
        erika = await PortalTestData.CustomerAsync(app.DbFactory, PortalTestData.ErikaEmail);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static UploadedFile File(string name, int bytes) => new(name, "text/plain", new byte[bytes]);

    private async Task<List<PortalTicketRow>> AllRowsAsync(PortalCustomer customer)
    {
        var rows = new List<PortalTicketRow>();
        for (var page = 0; ; page++)
        {
            var result = await portal.ListAsync(customer, openOnly: false, page);
            rows.AddRange(result.Items);
            if (rows.Count >= result.TotalCount || result.Items.Count == 0)
            {
                return rows;
            }
        }
    }

    private async Task<List<int>> AllListedIdsAsync(PortalCustomer customer) => (await AllRowsAsync(customer)).Select(r => r.Id).ToList();

    [Fact]
    public async Task The_list_holds_exactly_the_tickets_of_the_customer_as_customer_or_assigned_customer()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var tenantId = await db.Set<Customer>().Where(c => c.Id == max.CustomerId).Select(c => c.TenantId).SingleAsync();
        var expected = await db.Set<Ticket>()
            .Where(t => t.CustomerId == max.CustomerId || t.AssignedCustomers.Any(c => c.CustomerId == max.CustomerId))
            .Where(t => t.TenantId == tenantId)
            .Select(t => t.Id).ToListAsync();
        var assignedOnly = await db.Set<Ticket>()
            .Where(t => t.CustomerId != max.CustomerId && t.AssignedCustomers.Any(c => c.CustomerId == max.CustomerId))
            .Select(t => t.Id).ToListAsync();

        var listed = await AllListedIdsAsync(max);

        listed.Should().BeEquivalentTo(expected);
        listed.Should().OnlyHaveUniqueItems();
        assignedOnly.Should().NotBeEmpty("the demo data assigns some tickets to a second customer");
        listed.Should().Contain(assignedOnly);
    }

    [Fact]
    public async Task The_list_shows_the_customer_note_the_expected_date_and_the_effort()
    {
        var ticketId = await PortalTestData.CreateTicketAsync(app.DbFactory, max);
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var ticket = await db.Set<Ticket>().SingleAsync(t => t.Id == ticketId);
            ticket.CustomerNote = "A technician comes on Monday.";
            ticket.ExpectedDate = new DateOnly(2026, 4, 2);
            ticket.EstimatedEffortHours = 3.5m;
            await db.SaveChangesAsync();
        }

        var row = (await AllRowsAsync(max)).Single(r => r.Id == ticketId);
        row.CustomerNote.Should().Be("A technician comes on Monday.");
        row.ExpectedDate.Should().Be(new DateOnly(2026, 4, 2));
        row.EstimatedEffortHours.Should().Be(3.5m);
    }

    [Fact]
    public async Task Open_only_leaves_out_closed_tickets()
    {
        var result = await portal.ListAsync(max, openOnly: true, 0);

        result.TotalCount.Should().BeGreaterThan(0);
        result.Items.Should().OnlyContain(r => r.Status != TicketStatus.Closed);
        result.TotalCount.Should().BeLessThan((await portal.ListAsync(max, openOnly: false, 0)).TotalCount);
    }

    [Fact]
    public async Task A_ticket_of_the_customer_in_another_tenant_is_not_theirs()
    {
        // Bad data that must not leak anyway: a ticket in another tenant that names this customer.
        int foreignTenantTicket;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var other = new Tenant { Name = "Other Tenant", SenderAddress = "help@other.example" };
            db.Set<Tenant>().Add(other);
            await db.SaveChangesAsync();
            var ticket = new Ticket
            {
                Number = 990001, Subject = "Other tenant's ticket", CustomerId = max.CustomerId, TenantId = other.Id,
                CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            };
            db.Set<Ticket>().Add(ticket);
            await db.SaveChangesAsync();
            foreignTenantTicket = ticket.Id;
        }

        (await AllListedIdsAsync(max)).Should().NotContain(foreignTenantTicket);
        (await portal.GetAsync(max, foreignTenantTicket)).Should().BeNull();
        (await portal.AnswerAsync(max, foreignTenantTicket, "Hello", [])).Should().BeOfType<PortalResult.NotFound>();
    }

    [Fact]
    public async Task The_ticket_view_has_inbound_and_outbound_messages_but_no_internal_note()
    {
        var ticketId = await PortalTestData.CreateTicketAsync(app.DbFactory, max);
        var (secrets, _) = await PortalTestData.PlantSecretsAsync(app.DbFactory, ticketId);

        var view = await portal.GetAsync(max, ticketId);

        view.Should().NotBeNull();
        view!.Messages.Select(m => m.Direction).Should().Contain([MessageDirection.Inbound, MessageDirection.Outbound])
            .And.NotContain(MessageDirection.InternalNote);
        view.Messages.Should().NotContain(m => m.TextBody.Contains(secrets.NoteMessage));
        view.Messages.SelectMany(m => m.Attachments).Should().NotContain(a => a.FileName == secrets.NoteAttachmentName);
    }

    [Fact]
    public async Task Another_customers_ticket_is_not_found_and_cannot_be_answered_or_changed()
    {
        var erikasTicket = await PortalTestData.CreateTicketAsync(app.DbFactory, erika);
        await using var before = await app.DbFactory.CreateDbContextAsync();
        var original = await before.Set<Ticket>().AsNoTracking().SingleAsync(t => t.Id == erikasTicket);
        var messageCount = await before.Set<TicketMessage>().CountAsync(m => m.TicketId == erikasTicket);

        (await portal.GetAsync(max, erikasTicket)).Should().BeNull();
        (await portal.AnswerAsync(max, erikasTicket, "Let me in", [])).Should().BeOfType<PortalResult.NotFound>();
        (await portal.SetTimeTrackingAsync(max, erikasTicket, !original.TimeTrackingAllowed)).Should().BeOfType<PortalResult.NotFound>();
        (await portal.GetAsync(erika, erikasTicket)).Should().NotBeNull("the owner sees it, so the refusal above is about ownership");

        await using var after = await app.DbFactory.CreateDbContextAsync();
        var now = await after.Set<Ticket>().AsNoTracking().SingleAsync(t => t.Id == erikasTicket);
        now.TimeTrackingAllowed.Should().Be(original.TimeTrackingAllowed);
        now.Version.Should().Be(original.Version);
        (await after.Set<TicketMessage>().CountAsync(m => m.TicketId == erikasTicket)).Should().Be(messageCount);
    }

    [Fact]
    public async Task An_answer_becomes_an_inbound_message_with_attachments_sets_the_ticket_open_and_is_published()
    {
        var ticketId = await PortalTestData.CreateTicketAsync(app.DbFactory, max);
        var published = new TaskCompletionSource<TicketsChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = app.Get<TicketChangeNotifier>().Subscribe(change =>
        {
            if (change.TicketIds.Contains(ticketId))
            {
                published.TrySetResult(change);
            }
            return Task.CompletedTask;
        });

        var result = await portal.AnswerAsync(max, ticketId, "  It still fails after the update.  ", [File("log.txt", 100)]);

        result.Should().BeEquivalentTo(new PortalResult.Done(ticketId));
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var ticket = await db.Set<Ticket>().AsNoTracking().SingleAsync(t => t.Id == ticketId);
        ticket.Status.Should().Be(TicketStatus.Open);
        ticket.LastMessageAt.Should().Be(FixedTimeProvider.DefaultNow.UtcDateTime);
        ticket.UpdatedBy.Should().Be("Max Mustermann");
        var message = await db.Set<TicketMessage>().Include(m => m.Attachments).AsNoTracking()
            .Where(m => m.TicketId == ticketId).OrderByDescending(m => m.Id).FirstAsync();
        message.Direction.Should().Be(MessageDirection.Inbound);
        message.TextBody.Should().Be("It still fails after the update.");
        message.From.Should().Be("Max Mustermann <max.mustermann@fabrikam.example>");
        message.To.Should().Be("support@contoso.example");
        message.Attachments.Should().ContainSingle(a => a.FileName == "log.txt" && a.Size == 100);
        (await published.Task.WaitAsync(TimeSpan.FromSeconds(30))).TicketIds.Should().Contain(ticketId);
    }

    [Theory]
    [InlineData("", PortalValidation.TextMissing)]
    [InlineData("   \n ", PortalValidation.TextMissing)]
    public async Task An_empty_answer_is_refused_and_writes_nothing(string text, string expected)
    {
        var ticketId = await PortalTestData.CreateTicketAsync(app.DbFactory, max);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var count = await db.Set<TicketMessage>().CountAsync(m => m.TicketId == ticketId);

        var result = await portal.AnswerAsync(max, ticketId, text, []);

        result.Should().BeOfType<PortalResult.Invalid>().Which.Errors.Should().BeEquivalentTo(FieldErrors.Of(PortalValidation.TextField, expected));
        (await db.Set<TicketMessage>().CountAsync(m => m.TicketId == ticketId)).Should().Be(count);
    }

    [Fact]
    public async Task Too_long_an_answer_and_too_large_or_too_many_files_are_refused_with_the_reason()
    {
        var ticketId = await PortalTestData.CreateTicketAsync(app.DbFactory, max);

        var tooLong = await portal.AnswerAsync(max, ticketId, new string('x', PortalLimits.MaxTextLength + 1), []);
        var tooLarge = await portal.AnswerAsync(max, ticketId, "See file", [File("huge.bin", (int)PortalLimits.MaxFileBytes + 1)]);
        var tooMany = await portal.AnswerAsync(max, ticketId, "See files",
            Enumerable.Range(1, PortalLimits.MaxFiles + 1).Select(i => File($"f{i}.txt", 10)).ToList());
        var empty = await portal.AnswerAsync(max, ticketId, "See file", [File("empty.txt", 0)]);
        var total = await portal.AnswerAsync(max, ticketId, "See files",
            Enumerable.Range(1, 3).Select(i => File($"part{i}.bin", (int)PortalLimits.MaxFileBytes)).ToList());

        Messages(tooLong, PortalValidation.TextField).Should().Equal(PortalValidation.TextTooLong);
        Messages(tooLarge, PortalValidation.FilesField).Should().Equal(PortalValidation.FileTooLarge);
        Messages(tooMany, PortalValidation.FilesField).Should().Equal(PortalValidation.TooManyFiles);
        Messages(empty, PortalValidation.FilesField).Should().Equal(PortalValidation.FileEmpty);
        Messages(total, PortalValidation.FilesField).Should().Equal(PortalValidation.TotalTooLarge);
        ((PortalResult.Invalid)tooLarge).Errors.For(PortalValidation.FilesField)[0].Arguments[0].Should().Be("huge.bin");

        // Only the field the failure belongs to has messages.
        static IEnumerable<string> Messages(PortalResult result, string field)
        {
            var errors = result.Should().BeOfType<PortalResult.Invalid>().Which.Errors;
            errors.Keys.Should().Equal(field);
            return errors.For(field).Select(m => m.Format);
        }
    }

    [Fact]
    public async Task A_new_ticket_gets_the_next_number_the_customers_tenant_and_the_first_message()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var highest = await db.Set<Counter>().Where(c => c.Name == Sequences.TicketNumber).Select(c => c.Value).SingleAsync();
        var tenantId = await db.Set<Customer>().Where(c => c.Id == max.CustomerId).Select(c => c.TenantId).SingleAsync();

        var result = await portal.CreateTicketAsync(max, "  Scanner does not scan  ", "Since Monday the scanner shows error 42.",
            [File("photo.jpg", 2048)]);

        var id = result.Should().BeOfType<PortalResult.Done>().Which.TicketId;
        var ticket = await db.Set<Ticket>().Include(t => t.Messages).ThenInclude(m => m.Attachments).AsNoTracking().SingleAsync(t => t.Id == id);
        ticket.Number.Should().Be((int)highest + 1);
        ticket.Subject.Should().Be("Scanner does not scan");
        ticket.Status.Should().Be(TicketStatus.New);
        ticket.CustomerId.Should().Be(max.CustomerId);
        ticket.TenantId.Should().Be(tenantId);
        ticket.TimeTrackingAllowed.Should().BeFalse();
        ticket.Messages.Should().ContainSingle().Which.Attachments.Should().ContainSingle(a => a.FileName == "photo.jpg");
        (await portal.GetAsync(max, id)).Should().NotBeNull();
        (await portal.GetAsync(erika, id)).Should().BeNull();
    }

    [Fact]
    public async Task A_new_ticket_without_subject_or_text_is_refused_and_nothing_is_created()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var count = await db.Set<Ticket>().CountAsync();

        var result = await portal.CreateTicketAsync(max, " ", "", []);
        var tooLong = await portal.CreateTicketAsync(max, new string('s', 501), "Text", []);

        result.Should().BeOfType<PortalResult.Invalid>().Which.Errors.Should().BeEquivalentTo(new FieldErrors()
            .Add(PortalValidation.SubjectField, PortalValidation.SubjectMissing)
            .Add(PortalValidation.TextField, PortalValidation.TextMissing));
        tooLong.Should().BeOfType<PortalResult.Invalid>().Which.Errors.Should().BeEquivalentTo(FieldErrors.Of(PortalValidation.SubjectField, PortalValidation.SubjectTooLong));
        (await db.Set<Ticket>().CountAsync()).Should().Be(count);
    }

    [Fact]
    public async Task Giving_and_withdrawing_time_tracking_consent_is_logged_with_who_and_when()
    {
        var ticketId = await PortalTestData.CreateTicketAsync(app.DbFactory, max);
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            await db.Set<Ticket>().Where(t => t.Id == ticketId).ExecuteUpdateAsync(s => s.SetProperty(t => t.TimeTrackingAllowed, false));
        }
        var clock = (FixedTimeProvider)app.Get<TimeProvider>();
        var start = clock.Now;

        (await portal.SetTimeTrackingAsync(max, ticketId, true)).Should().BeOfType<PortalResult.Done>();
        (await portal.SetTimeTrackingAsync(max, ticketId, true)).Should().BeOfType<PortalResult.Done>("setting the same value again is fine");
        clock.Now = start.AddMinutes(5);
        (await portal.SetTimeTrackingAsync(max, ticketId, false)).Should().BeOfType<PortalResult.Done>();
        clock.Now = start;

        await using var check = await app.DbFactory.CreateDbContextAsync();
        (await check.Set<Ticket>().Where(t => t.Id == ticketId).Select(t => t.TimeTrackingAllowed).SingleAsync()).Should().BeFalse();
        var log = await check.Set<TimeTrackingConsentChange>().Where(c => c.TicketId == ticketId).OrderBy(c => c.Id).ToListAsync();
        log.Select(c => (c.Allowed, c.UserId, c.ChangedBy, c.CustomerId, c.ChangedAt)).Should().Equal(
            (true, max.UserId, "Max Mustermann", (int?)max.CustomerId, start.UtcDateTime),
            (false, max.UserId, "Max Mustermann", (int?)max.CustomerId, start.AddMinutes(5).UtcDateTime));
        (await portal.GetAsync(max, ticketId))!.ConsentChanges.Select(c => c.Allowed).Should().Equal(false, true);
    }

    [Fact]
    public async Task Attachments_are_served_only_for_visible_messages_of_the_customers_own_tickets()
    {
        var mine = await PortalTestData.CreateTicketAsync(app.DbFactory, max);
        var erikas = await PortalTestData.CreateTicketAsync(app.DbFactory, erika);
        var own = await PortalTestData.AddAttachmentAsync(app.DbFactory, mine, "mine.txt", "mine");
        var foreign = await PortalTestData.AddAttachmentAsync(app.DbFactory, erikas, "erikas.txt", "erikas");
        var (_, noteAttachment) = await PortalTestData.PlantSecretsAsync(app.DbFactory, mine);

        (await portal.GetAttachmentAsync(max, own)).Should().BeEquivalentTo(new PortalAttachmentFile("mine.txt", "mine"u8.ToArray()));
        (await portal.GetAttachmentAsync(max, foreign)).Should().BeNull();
        (await portal.GetAttachmentAsync(max, noteAttachment)).Should().BeNull("attachments of internal notes are never served");
        (await portal.GetAttachmentAsync(max, int.MaxValue)).Should().BeNull();
        (await portal.GetAttachmentAsync(erika, foreign)).Should().NotBeNull();
    }

    [Fact]
    public async Task Owns_any_tells_the_customers_tickets_from_others()
    {
        var mine = await PortalTestData.CreateTicketAsync(app.DbFactory, max);
        var erikas = await PortalTestData.CreateTicketAsync(app.DbFactory, erika);

        (await portal.OwnsAnyAsync(max, [erikas])).Should().BeFalse();
        (await portal.OwnsAnyAsync(max, [erikas, mine])).Should().BeTrue();
    }
}
