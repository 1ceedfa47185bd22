using BlazorTickets.Data;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Billing;

/// <summary>The bill run on a real database of each provider: grouping, rates, skips, rounding, release, and never billing an entry twice.</summary>
public abstract class BillingServiceTests(DatabaseProvider provider) : IAsyncLifetime
{
    private BillingWorld world = null!;

    public async Task InitializeAsync() => world = await BillingWorld.CreateAsync(provider);

    public async Task DisposeAsync() => await world.DisposeAsync();

    [Fact]
    public async Task One_quote_per_customer_with_one_line_per_ticket_and_numbers_from_the_tenants_sequence()
    {
        var a1 = await world.TicketAsync(world.CustomerA, subject: "Printer offline");
        var a2 = await world.TicketAsync(world.CustomerA, subject: "VPN drops");
        var b1 = await world.TicketAsync(world.CustomerB, subject: "Invoice wrong");
        await world.EntryAsync(a1, world.Anna, 60);
        await world.EntryAsync(a1, world.Anna, 30);
        await world.EntryAsync(a2, world.Anna, 120);
        await world.EntryAsync(b1, world.Anna, 45);

        var preview = await world.Billing.PreviewAsync([a1, a2, b1]);
        var result = await world.Billing.BillAsync([a1, a2, b1], world.Anna);

        preview.Quotes.Select(q => q.CustomerName).Should().Equal("Alpha Customer", "Beta Customer");
        preview.Quotes[0].Tickets.Select(t => t.TicketId).Should().Equal(a1, a2);
        preview.Quotes[0].Net.Should().Be(142.50m + 190.00m);
        result.Quotes.Select(q => q.Number).Should().Equal("Q-2026-0001", "Q-2026-0002");
        result.EntriesBilled.Should().Be(4);
        var alpha = await world.Quotes.GetAsync(result.Quotes[0].QuoteId);
        alpha!.Status.Should().Be(QuoteStatus.Draft);
        alpha.CustomerName.Should().Be("Alpha Customer");
        alpha.Lines.Select(l => (l.TicketId, l.Text, l.Hours, l.Rate, l.Amount, l.EntryCount)).Should().Equal(
            (a1, "#5001 Printer offline", 1.50m, 95m, 142.50m, 2),
            (a2, "#5002 VPN drops", 2.00m, 95m, 190.00m, 1));
        alpha.Net.Should().Be(332.50m);
        alpha.Gross.Should().Be(preview.Quotes[0].Gross);
        var beta = await world.Quotes.GetAsync(result.Quotes[1].QuoteId);
        beta!.Lines.Should().ContainSingle().Which.Amount.Should().Be(71.25m);
    }

    [Fact]
    public async Task Each_users_time_is_priced_by_their_billing_group_or_their_only_group()
    {
        var ticket = await world.TicketAsync(world.CustomerA);
        await world.EntryAsync(ticket, world.Anna, 60);   // billing group Ticket-Support, 95
        await world.EntryAsync(ticket, world.Solo, 30);   // only group Ticket-Support, no billing group set
        await world.EntryAsync(ticket, world.Carla, 90);  // member of both, billing group Senior-Support, 120

        var result = await world.Billing.BillAsync([ticket], world.Anna);

        var quote = await world.Quotes.GetAsync(result.Quotes.Single().QuoteId);
        quote!.Lines.Select(l => (l.UserGroupName, l.Hours, l.Rate, l.Amount)).Should().BeEquivalentTo(new[]
        {
            ("Senior-Support", 1.50m, 120m, 180.00m),
            ("Ticket-Support", 1.50m, 95m, 142.50m),
        });
        quote.Net.Should().Be(322.50m);
    }

    [Fact]
    public async Task Skipped_tickets_and_entries_are_listed_with_their_reason_and_stay_unbilled()
    {
        var noConsent = await world.TicketAsync(world.CustomerA, consent: false);
        var timer = await world.TicketAsync(world.CustomerA);
        var noCustomer = await world.TicketAsync(null);
        var nothing = await world.TicketAsync(world.CustomerA);
        var mixed = await world.TicketAsync(world.CustomerA);
        var noConsentEntry = await world.EntryAsync(noConsent, world.Anna, 30);
        var timerEntry = await world.EntryAsync(timer, world.Anna, 30);
        await world.TimerAsync(timer, world.Carla);
        var noCustomerEntry = await world.EntryAsync(noCustomer, world.Anna, 30);
        await world.EntryAsync(nothing, world.Anna, 30, billable: false);
        var billed = await world.EntryAsync(mixed, world.Anna, 30);
        var nonBillable1 = await world.EntryAsync(mixed, world.Anna, 15, billable: false);
        await world.EntryAsync(mixed, world.Anna, 15, billable: false);
        var unpriced = await world.EntryAsync(mixed, world.Nobody, 20);
        int[] selection = [noConsent, timer, noCustomer, nothing, mixed];

        var preview = await world.Billing.PreviewAsync(selection);
        var result = await world.Billing.BillAsync(selection, world.Anna);

        var expected = new[]
        {
            (noConsent, SkipReasons.NoConsent, true, 0),
            (timer, SkipReasons.TimerRunning, true, 0),
            (noCustomer, SkipReasons.NoCustomer, true, 0),
            (nothing, SkipReasons.NoUnbilledTime, true, 0),
            (mixed, SkipReasons.NonBillableEntries, false, 2),
            (mixed, SkipReasons.NoBillingGroup, false, 1),
        };
        preview.Skipped.Select(s => (s.TicketId, s.Reason, s.WholeTicket, s.Count)).Should().BeEquivalentTo(expected);
        result.Skipped.Select(s => (s.TicketId, s.Reason, s.WholeTicket, s.Count)).Should().BeEquivalentTo(expected);
        preview.Quotes.Should().ContainSingle().Which.Tickets.Should().ContainSingle().Which.TicketId.Should().Be(mixed);
        result.EntriesBilled.Should().Be(1);
        (await world.LineOfAsync(billed)).Should().NotBeNull();
        foreach (var entry in new[] { noConsentEntry, timerEntry, noCustomerEntry, nonBillable1, unpriced })
        {
            (await world.LineOfAsync(entry)).Should().BeNull();
        }
    }

    [Fact]
    public async Task Lines_are_rounded_to_cents_and_the_totals_are_the_sum_of_the_lines()
    {
        await using (var db = await world.DbFactory.CreateDbContextAsync())
        {
            await db.Set<UserGroup>().Where(g => g.Id == world.SupportGroup).ExecuteUpdateAsync(s => s.SetProperty(g => g.HourlyRate, 99.99m));
        }
        var t1 = await world.TicketAsync(world.CustomerA);
        var t2 = await world.TicketAsync(world.CustomerA);
        var t3 = await world.TicketAsync(world.CustomerA);
        await world.EntryAsync(t1, world.Anna, 10);  // 0.1666 h → 0.17 h × 99.99 = 16.9983 → 17.00
        await world.EntryAsync(t2, world.Anna, 7);   // 0.1166 h → 0.12 h × 99.99 = 11.9988 → 12.00
        await world.EntryAsync(t3, world.Anna, 5);   // 0.0833 h → 0.08 h × 99.99 = 7.9992 → 8.00
        await world.EntryAsync(t3, world.Anna, 45);  // with the 5: 50 min → 0.83 h × 99.99 = 82.9917 → 82.99 (per line, not per entry)

        var result = await world.Billing.BillAsync([t1, t2, t3], world.Anna);

        var quote = await world.Quotes.GetAsync(result.Quotes.Single().QuoteId);
        quote!.Lines.Select(l => (l.Hours, l.Amount)).Should().Equal((0.17m, 17.00m), (0.12m, 12.00m), (0.83m, 82.99m));
        quote.Net.Should().Be(111.99m).And.Be(quote.Lines.Sum(l => l.Amount));
        quote.Vat.Should().Be(21.28m, "19 % of 111.99 is 21.2781");
        quote.Gross.Should().Be(133.27m);
        var page = await world.Quotes.QueryAsync(new QuoteListFilter(), 0, 25);
        page.Totals.Should().ContainSingle().Which.Should().Be(new QuoteTotals("EUR", 1, 111.99m, 21.28m, 133.27m));
    }

    [Fact]
    public async Task Cancelling_a_draft_releases_its_entries_and_cancelling_a_sent_quote_keeps_them_billed()
    {
        var draftTicket = await world.TicketAsync(world.CustomerA);
        var sentTicket = await world.TicketAsync(world.CustomerB);
        var draftEntry = await world.EntryAsync(draftTicket, world.Anna, 60);
        var sentEntry = await world.EntryAsync(sentTicket, world.Anna, 60);
        var result = await world.Billing.BillAsync([draftTicket, sentTicket], world.Anna);
        var draft = result.Quotes.Single(q => q.CustomerId == world.CustomerA).QuoteId;
        var sent = result.Quotes.Single(q => q.CustomerId == world.CustomerB).QuoteId;
        (await world.Quotes.SetStatusAsync(sent, QuoteStatus.Sent)).Should().BeOfType<QuoteStatusResult.Changed>();

        var cancelDraft = await world.Quotes.SetStatusAsync(draft, QuoteStatus.Cancelled);
        var cancelSent = await world.Quotes.SetStatusAsync(sent, QuoteStatus.Cancelled);

        cancelDraft.Should().Be(new QuoteStatusResult.Changed(QuoteStatus.Cancelled, 1));
        cancelSent.Should().Be(new QuoteStatusResult.Changed(QuoteStatus.Cancelled, 0));
        (await world.LineOfAsync(draftEntry)).Should().BeNull();
        (await world.LineOfAsync(sentEntry)).Should().NotBeNull();
        (await world.Quotes.GetAsync(draft))!.Status.Should().Be(QuoteStatus.Cancelled);
        var again = await world.Billing.BillAsync([draftTicket, sentTicket], world.Anna);
        again.Quotes.Should().ContainSingle().Which.CustomerId.Should().Be(world.CustomerA, "the released time can be billed again");
        again.Quotes[0].Number.Should().Be("Q-2026-0003");
    }

    [Fact]
    public async Task Only_the_documented_status_changes_are_allowed()
    {
        var ticket = await world.TicketAsync(world.CustomerA);
        await world.EntryAsync(ticket, world.Anna, 60);
        var quote = (await world.Billing.BillAsync([ticket], world.Anna)).Quotes.Single().QuoteId;

        (await world.Quotes.SetStatusAsync(quote, QuoteStatus.Accepted)).Should().Be(new QuoteStatusResult.Refused(QuoteMessages.NotAllowed));
        (await world.Quotes.SetStatusAsync(quote, QuoteStatus.Sent)).Should().BeOfType<QuoteStatusResult.Changed>();
        (await world.Quotes.SetStatusAsync(quote, QuoteStatus.Accepted)).Should().BeOfType<QuoteStatusResult.Changed>();
        (await world.Quotes.SetStatusAsync(quote, QuoteStatus.Cancelled)).Should().Be(new QuoteStatusResult.Refused(QuoteMessages.NotAllowed));
        (await world.Quotes.SetStatusAsync(quote + 1000, QuoteStatus.Sent)).Should().Be(new QuoteStatusResult.Refused(QuoteMessages.NotFound));
    }

    [Fact]
    public async Task Billing_the_same_tickets_again_bills_nothing_and_creates_no_quote()
    {
        var ticket = await world.TicketAsync(world.CustomerA);
        await world.EntryAsync(ticket, world.Anna, 60);
        await world.Billing.BillAsync([ticket], world.Anna);

        var second = await world.Billing.BillAsync([ticket], world.Anna);

        second.Quotes.Should().BeEmpty();
        second.EntriesBilled.Should().Be(0);
        second.Skipped.Should().ContainSingle().Which.Reason.Should().Be(SkipReasons.AlreadyBilled);
        await using var db = await world.DbFactory.CreateDbContextAsync();
        (await db.Set<Quote>().CountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task A_clerk_who_confirms_after_a_colleague_billed_the_same_preview_learns_who_billed_it_on_which_quote()
    {
        var ticket = await world.TicketAsync(world.CustomerA, subject: "Shared preview");
        var untouched = await world.TicketAsync(world.CustomerB, subject: "Never had time");
        await world.EntryAsync(ticket, world.Anna, 60);
        (await world.Billing.PreviewAsync([ticket, untouched])).Quotes.Should().ContainSingle();
        (await world.Billing.PreviewAsync([ticket, untouched])).Quotes.Should().ContainSingle();

        var first = await world.Billing.BillAsync([ticket, untouched], world.Carla);
        var second = await world.Billing.BillAsync([ticket, untouched], world.Anna);

        second.Quotes.Should().BeEmpty();
        second.EntriesBilled.Should().Be(0);
        var skip = second.Skipped.Single(s => s.TicketId == ticket);
        skip.Reason.Should().Be(SkipReasons.AlreadyBilled);
        skip.BilledBy.Should().Be("carla");
        skip.QuoteNumber.Should().Be(first.Quotes.Single().Number).And.Be("Q-2026-0001");
        second.Skipped.Single(s => s.TicketId == untouched).Reason.Should().Be(SkipReasons.NoUnbilledTime, "that ticket never had time to bill");
    }

    [Fact]
    public async Task Two_bill_runs_over_overlapping_rows_at_the_same_moment_bill_each_entry_exactly_once()
    {
        var tickets = new List<int>();
        for (var i = 0; i < 60; i++)
        {
            var ticket = await world.TicketAsync(i % 3 == 0 ? world.CustomerB : world.CustomerA);
            tickets.Add(ticket);
        }
        await using (var db = await world.DbFactory.CreateDbContextAsync())
        {
            foreach (var ticket in tickets)
            {
                for (var e = 0; e < 5; e++)
                {
                    db.Set<TimeEntry>().Add(new BlazorTickets.Features.TimeTracking.TimeEntry
                    {
                        TicketId = ticket, UserId = e % 2 == 0 ? world.Anna : world.Carla, Minutes = 10 + e * 7, Billable = true,
                        Start = DateTime.UtcNow, End = DateTime.UtcNow, CreatedAt = DateTime.UtcNow,
                    });
                }
            }
            await db.SaveChangesAsync();
        }

        // Two clerks (overlapping selections) and a double click (the same selection twice), each with its own service and context.
        var runs = await Task.WhenAll(
            Task.Run(() => world.Billing.BillAsync(tickets.Take(40).ToList(), world.Anna)),
            Task.Run(() => world.Billing.BillAsync(tickets.Skip(20).ToList(), world.Carla)),
            Task.Run(() => world.Billing.BillAsync(tickets.Skip(20).ToList(), world.Carla)));

        await using var check = await world.DbFactory.CreateDbContextAsync();
        var entries = await check.Set<TimeEntry>().AsNoTracking().Select(e => new { e.Id, e.QuoteLineId, e.Minutes }).ToListAsync();
        entries.Should().HaveCount(300).And.OnlyContain(e => e.QuoteLineId != null);
        runs.Sum(r => r.EntriesBilled).Should().Be(300, "every entry is claimed by exactly one run");
        var lines = await check.Set<QuoteLine>().AsNoTracking().Select(l => new { l.Id, l.QuoteId, l.Hours, l.Rate, l.Amount }).ToListAsync();
        foreach (var line in lines)
        {
            var linked = entries.Where(e => e.QuoteLineId == line.Id).ToList();
            linked.Should().NotBeEmpty("no run leaves an empty line behind");
            line.Hours.Should().Be(Money.Hours(linked.Sum(e => e.Minutes)));
            line.Amount.Should().Be(Money.Amount(line.Hours, line.Rate));
        }
        var quotes = await check.Set<Quote>().AsNoTracking().Select(q => new { q.Id, q.Net, q.Number }).ToListAsync();
        quotes.Should().OnlyContain(q => lines.Any(l => l.QuoteId == q.Id), "no run leaves an empty quote behind");
        foreach (var quote in quotes)
        {
            quote.Net.Should().Be(lines.Where(l => l.QuoteId == quote.Id).Sum(l => l.Amount));
        }
        quotes.Select(q => q.Number).Should().OnlyHaveUniqueItems();
        lines.GroupBy(l => l.Id).Should().OnlyContain(g => g.Count() == 1);
        runs.SelectMany(r => r.Quotes).Select(q => q.QuoteId).Should().BeEquivalentTo(quotes.Select(q => q.Id));
    }

    [Fact]
    public async Task Two_bill_runs_over_the_same_chunks_in_opposite_orders_both_finish_and_bill_each_entry_once()
    {
        // Each run claims one chunk's entries, then the next: in opposite orders each would hold what the other waits for.
        var tickets = new List<int>();
        await using (var db = await world.DbFactory.CreateDbContextAsync())
        {
            var batch = Enumerable.Range(0, BillingService.ChunkSize * 2).Select(i => new BlazorTickets.Features.Tickets.Ticket
            {
                Number = 100_000 + i, Subject = "Chunk race", Status = BlazorTickets.Features.Tickets.TicketStatus.Open, CustomerId = world.CustomerA,
                TenantId = world.TenantId, TimeTrackingAllowed = true, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            }).ToList();
            db.AddRange(batch);
            await db.SaveChangesAsync();
            tickets.AddRange(batch.Select(t => t.Id));
            db.AddRange(tickets.Select(t => new TimeEntry
            {
                TicketId = t, UserId = world.Anna, Minutes = 15, Billable = true, Start = DateTime.UtcNow, End = DateTime.UtcNow, CreatedAt = DateTime.UtcNow,
            }));
            await db.SaveChangesAsync();
        }
        var reversedChunks = tickets.Chunk(BillingService.ChunkSize).Reverse().SelectMany(c => c).ToList();

        var runs = await Task.WhenAll(
            Task.Run(() => world.Billing.BillAsync(tickets, world.Anna)),
            Task.Run(() => world.Billing.BillAsync(reversedChunks, world.Carla)));

        runs.Sum(r => r.EntriesBilled).Should().Be(tickets.Count);
        await using var check = await world.DbFactory.CreateDbContextAsync();
        (await check.Set<TimeEntry>().CountAsync(e => e.QuoteLineId == null)).Should().Be(0);
        (await check.Set<QuoteLine>().CountAsync()).Should().Be(tickets.Count, "one line per ticket, none twice, none empty");
    }

    [Fact]
    public async Task Progress_is_reported_per_chunk_up_to_the_whole_selection()
    {
        var ids = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var ticket = await world.TicketAsync(world.CustomerA);
            await world.EntryAsync(ticket, world.Anna, 30);
            ids.Add(ticket);
        }
        // Ids that do not exist make a large selection cheaply; they are reported, not billed.
        ids.AddRange(Enumerable.Range(1_000_000, BillingService.ChunkSize + 10));
        var reports = new List<BillingProgress>();

        var result = await world.Billing.BillAsync(ids, world.Anna, new SynchronousProgress<BillingProgress>(reports.Add));

        reports.Should().Equal(new BillingProgress(BillingService.ChunkSize, ids.Count), new BillingProgress(ids.Count, ids.Count));
        result.EntriesBilled.Should().Be(3);
        result.Skipped.Count(s => s.Reason == SkipReasons.NotFound).Should().Be(BillingService.ChunkSize + 10);
    }

    [Theory]
    [InlineData("Q", 2026, 1, "Q-2026-0001")]
    [InlineData("AN-", 2026, 42, "AN-2026-0042")]
    [InlineData("", 2027, 12345, "2027-12345")]
    public void Quote_numbers_read_prefix_year_and_a_four_digit_counter(string prefix, int year, long sequence, string expected) =>
        QuoteNumbers.Format(prefix, year, sequence).Should().Be(expected);

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

public sealed class BillingServiceSqliteTests() : BillingServiceTests(DatabaseProvider.Sqlite);

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class BillingServicePostgresTests() : BillingServiceTests(DatabaseProvider.Postgres);
