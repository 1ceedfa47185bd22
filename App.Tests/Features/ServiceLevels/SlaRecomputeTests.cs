using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Notifications;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.ServiceLevels;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using FluentAssertions;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace BlazorTickets.Tests.Features.ServiceLevels;

/// <summary>
/// Service levels on a real database: stages recomputed from the history the import and the agents write, and the
/// watch telling handler and team leads once. The clock is fixed at Monday 16 March 2026, 11:30 in Berlin; the tenant
/// keeps the default hours (Monday to Friday, 9 to 5, Europe/Berlin).
/// </summary>
public sealed class SlaRecomputeTests : IAsyncLifetime
{
    private readonly FixedTimeProvider clock = new();
    private TestServices app = null!;
    private int tenantId;
    private uint uid;

    public async Task InitializeAsync()
    {
        app = await TestServices.CreateAsync(seedDemoData: true, clock: clock);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        db.Set<MailFolderState>().Add(new MailFolderState { TenantId = tenantId, Folder = "INBOX", UidValidity = 7 });
        await db.SaveChangesAsync();
        // The first pass only notes where the history stands and queues the tickets that exist.
        await RecomputeAllAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private SlaRecompute Recompute => app.Get<SlaRecompute>();

    private async Task RecomputeAllAsync()
    {
        while (await Recompute.FollowHistoryAsync() | await Recompute.ContinueTenantRecomputeAsync())
        {
        }
    }

    private async Task<int> ImportAsync(string subject, string from = "Jonas Becker <jonas@becker-bau.example>")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("support@contoso.example"));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("customer.example");
        message.Date = clock.Now;
        message.Body = new TextPart("plain") { Text = "Please help." };
        using var memory = new MemoryStream();
        await message.WriteToAsync(memory);
        var result = await app.Get<MailImporter>().ImportAsync(tenantId, memory.ToArray(), new MailPosition("INBOX", 7, ++uid));
        return result.TicketId!.Value;
    }

    private async Task<Ticket> TicketAsync(int id)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().AsNoTracking().SingleAsync(t => t.Id == id);
    }

    private async Task<List<TicketSlaStage>> StagesAsync(int ticketId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<TicketSlaStage>().AsNoTracking().Where(s => s.TicketId == ticketId).OrderBy(s => s.Id).ToListAsync();
    }

    private async Task SavePolicyAsync(int? customerId, decimal firstResponseHours, decimal? resolutionHours = 40)
    {
        var policies = await app.Get<SlaPolicyService>().GetAsync(tenantId);
        var edit = (customerId is null ? policies.TenantDefault : policies.CustomerOverrides.SingleOrDefault(p => p.CustomerId == customerId))
            ?? SlaPolicyService.NewPolicy(customerId);
        edit.FirstResponseHours = firstResponseHours;
        edit.NextResponseHours = 2;
        edit.ResolutionHours = resolutionHours;
        (await app.Get<SlaPolicyService>().SaveAsync(tenantId, edit)).IsEmpty.Should().BeTrue();
    }

    private async Task ReplyAsync(int ticketId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        db.Add(new TicketMessage { TicketId = ticketId, Direction = MessageDirection.Outbound, From = "support@contoso.example", Subject = "Re", Date = clock.Now.UtcDateTime, TextBody = "On it." });
        await db.SaveChangesAsync();
    }

    private static DateTime Utc(int day, int hour, int minute = 0) => new(2026, 3, day, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public async Task An_imported_mail_gets_due_times_in_business_hours_and_a_reply_moves_the_ticket_on_to_its_resolution()
    {
        await SavePolicyAsync(null, firstResponseHours: 4);
        var ticketId = await ImportAsync("Printer is down");
        var versionBefore = (await TicketAsync(ticketId)).Version;
        var changes = new List<TicketsChanged>();
        using var _ = app.Get<TicketChangeNotifier>().Subscribe(c => { lock (changes) changes.Add(c); return Task.CompletedTask; });

        await RecomputeAllAsync();

        // 11:30 local + 4 h = 15:30 local = 14:30 UTC; warned at 80 %: 14:42 local.
        var ticket = await TicketAsync(ticketId);
        ticket.SlaDueAt.Should().Be(Utc(16, 14, 30));
        ticket.SlaAtRiskAt.Should().Be(Utc(16, 13, 42));
        ticket.Version.Should().Be(versionBefore, "a recompute never makes an agent's open edit a conflict");
        lock (changes)
        {
            changes.SelectMany(c => c.Changes).Should().Contain(c => c.TicketId == ticketId && c.Touches(TicketFields.Sla));
        }

        clock.Now = clock.Now.AddHours(1);
        await ReplyAsync(ticketId);
        await RecomputeAllAsync();

        var stages = await StagesAsync(ticketId);
        stages.Single(s => s.Target == SlaTarget.FirstResponse).CompletedAt.Should().Be(Utc(16, 11, 30));
        // Resolution: 40 business hours from Monday 11:30 local is the next Monday 11:30 local.
        (await TicketAsync(ticketId)).SlaDueAt.Should().Be(Utc(23, 10, 30));
    }

    [Fact]
    public async Task A_changed_policy_recomputes_open_tickets_and_a_customers_own_policy_wins_over_the_tenants()
    {
        await SavePolicyAsync(null, firstResponseHours: 4);
        var ticketId = await ImportAsync("Invoice question");
        await RecomputeAllAsync();
        (await TicketAsync(ticketId)).SlaDueAt.Should().Be(Utc(16, 14, 30));

        await SavePolicyAsync(null, firstResponseHours: 2);
        await RecomputeAllAsync();
        (await TicketAsync(ticketId)).SlaDueAt.Should().Be(Utc(16, 12, 30));

        var customerId = (await TicketAsync(ticketId)).CustomerId!.Value;
        await SavePolicyAsync(customerId, firstResponseHours: 1);
        await RecomputeAllAsync();
        (await TicketAsync(ticketId)).SlaDueAt.Should().Be(Utc(16, 11, 30));

        var policies = await app.Get<SlaPolicyService>().GetAsync(tenantId);
        foreach (var policy in new[] { policies.TenantDefault! }.Concat(policies.CustomerOverrides))
        {
            (await app.Get<SlaPolicyService>().DeleteAsync(tenantId, policy.Id, policy.Version)).IsEmpty.Should().BeTrue();
        }
        await RecomputeAllAsync();
        var ticket = await TicketAsync(ticketId);
        ticket.SlaDueAt.Should().Be(Ticket.NoDue, "without a policy nothing is promised");
        ticket.SlaAtRiskAt.Should().BeNull();
        (await StagesAsync(ticketId)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_policy_refuses_bad_targets_with_reasons_and_a_stale_copy_as_changed_meanwhile()
    {
        var service = app.Get<SlaPolicyService>();
        var empty = SlaPolicyService.NewPolicy();
        (empty.FirstResponseHours, empty.NextResponseHours, empty.ResolutionHours) = (null, null, null);
        (await service.SaveAsync(tenantId, empty)).FormErrors.Should().NotBeEmpty();

        var wrong = SlaPolicyService.NewPolicy();
        wrong.FirstResponseHours = 0;
        wrong.AtRiskPercent = 100;
        wrong.PauseStatuses.Add(TicketStatus.Closed);
        var errors = await service.SaveAsync(tenantId, wrong);
        errors.Has(nameof(SlaPolicyEdit.FirstResponseHours)).Should().BeTrue();
        errors.Has(nameof(SlaPolicyEdit.AtRiskPercent)).Should().BeTrue();
        errors.Has(nameof(SlaPolicyEdit.PauseStatuses)).Should().BeTrue();

        var first = SlaPolicyService.NewPolicy();
        (await service.SaveAsync(tenantId, first)).IsEmpty.Should().BeTrue();
        var stale = (await service.GetAsync(tenantId)).TenantDefault!;
        var fresh = (await service.GetAsync(tenantId)).TenantDefault!;
        fresh.FirstResponseHours = 3;
        (await service.SaveAsync(tenantId, fresh)).IsEmpty.Should().BeTrue();
        stale.FirstResponseHours = 5;
        (await service.SaveAsync(tenantId, stale)).FormErrors.Should().NotBeEmpty();
        (await service.GetAsync(tenantId)).TenantDefault!.FirstResponseHours.Should().Be(3, "the other admin's save is kept");
        (await service.SaveAsync(tenantId, SlaPolicyService.NewPolicy())).FormErrors.Should().NotBeEmpty("a tenant has one policy of its own");
    }

    [Fact]
    public async Task The_handler_is_told_at_risk_and_the_team_leads_on_breach_once_each_in_the_app_and_by_mail()
    {
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            db.Add(new SmtpSettings { TenantId = tenantId, Host = "smtp.contoso.example" });
            await db.SaveChangesAsync();
        }
        // A policy of the new customer's own, so the demo tickets promise nothing and stay out of the way.
        var ticketId = await ImportAsync("Server room is hot", "Nora Neu <nora@neu.example>");
        await SavePolicyAsync((await TicketAsync(ticketId)).CustomerId, firstResponseHours: 4, resolutionHours: null);
        string anna, lena;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            anna = await db.Users.Where(u => u.Email == "anna@contoso.example").Select(u => u.Id).SingleAsync();
            lena = await db.Users.Where(u => u.Email == "lena@contoso.example").Select(u => u.Id).SingleAsync();
            var ticket = await db.Set<Ticket>().SingleAsync(t => t.Id == ticketId);
            ticket.HandlerId = anna;
            await db.SaveChangesAsync();
        }
        await RecomputeAllAsync();
        var watch = app.Get<SlaWatch>();
        var outboxBefore = await OutboxCountAsync();

        (await watch.EscalateAsync()).Should().Be(0, "nothing is at risk yet");
        (await watch.NextMomentAsync()).Should().Be(Utc(16, 13, 42));

        clock.Now = new DateTimeOffset(Utc(16, 13, 45));
        (await watch.EscalateAsync()).Should().Be(1);
        (await watch.EscalateAsync()).Should().Be(0, "each stage is told once");
        (await NoticesAsync(anna)).Should().ContainSingle().Which.Title.Should().Be("First response for {0} is due soon");
        (await NoticesAsync(lena)).Should().BeEmpty("the handler is told first");
        (await OutboxCountAsync()).Should().Be(outboxBefore + 1);

        clock.Now = new DateTimeOffset(Utc(16, 14, 31));
        // Two watches at once (two nodes, or a restart racing the old run): still one notice each.
        var told = await Task.WhenAll(watch.EscalateAsync(), watch.EscalateAsync());
        told.Sum().Should().Be(1, "one of the two claims the breach, the other finds it told");
        (await NoticesAsync(lena)).Should().ContainSingle().Which.Title.Should().Be("First response for {0} is overdue");
        (await NoticesAsync(anna)).Should().HaveCount(2);
        (await OutboxCountAsync()).Should().Be(outboxBefore + 2, "the team lead gets one mail for the breach");
        (await app.Get<NotificationService>().UnreadCountAsync(lena)).Should().Be(1);
        var stage = (await StagesAsync(ticketId)).Single(s => s.Target == SlaTarget.FirstResponse);
        stage.BreachToldAt.Should().NotBeNull();
        (await watch.NextMomentAsync()).Should().BeNull("nothing else runs toward a due time");
    }

    [Fact]
    public async Task A_new_policy_shows_old_open_tickets_as_breached_but_tells_nobody_about_them()
    {
        await SavePolicyAsync(null, firstResponseHours: 4);
        await RecomputeAllAsync();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var now = clock.Now.UtcDateTime;
        var breached = await db.Set<Ticket>().CountAsync(t => t.SlaDueAt <= now);
        breached.Should().BeGreaterThan(10, "the demo's open tickets are weeks old");

        (await app.Get<SlaWatch>().EscalateAsync()).Should().Be(0);
        (await db.Set<UserNotification>().CountAsync()).Should().Be(0);

        // A moment that passes from now on is told as usual.
        var ticketId = await ImportAsync("Fresh trouble", "Nora Neu <nora@neu.example>");
        await RecomputeAllAsync();
        clock.Now = clock.Now.AddHours(5);
        (await app.Get<SlaWatch>().EscalateAsync()).Should().BeGreaterThanOrEqualTo(1);
        (await db.Set<UserNotification>().AnyAsync(n => n.Link == $"/tickets/{ticketId}")).Should().BeTrue();
    }

    [Fact]
    public async Task A_stage_whose_breach_was_told_but_not_its_warning_is_told_once_and_leaves_the_watch_nothing_to_wait_for()
    {
        var ticketId = await ImportAsync("Half told", "Nora Neu <nora@neu.example>");
        await SavePolicyAsync((await TicketAsync(ticketId)).CustomerId, firstResponseHours: 4, resolutionHours: null);
        await RecomputeAllAsync();
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            await db.Set<TicketSlaStage>().Where(s => s.TicketId == ticketId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.BreachToldAt, clock.Now.UtcDateTime));
        }
        clock.Now = new DateTimeOffset(Utc(16, 15));
        var watch = app.Get<SlaWatch>();

        (await watch.EscalateAsync()).Should().Be(1);
        (await watch.EscalateAsync()).Should().Be(0);
        (await watch.NextMomentAsync()).Should().BeNull("a watch waiting for a moment that is past would spin");
    }

    private async Task<int> OutboxCountAsync()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<OutboxMail>().CountAsync();
    }

    private async Task<List<UserNotification>> NoticesAsync(string userId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<UserNotification>().AsNoTracking().Where(n => n.UserId == userId).OrderBy(n => n.Id).ToListAsync();
    }
}
