using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Users;
using BlazorTickets.Shared;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Tickets;

public sealed class TicketService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, TenantScope? tenantScope = null)
{
    public const int MaxPageSize = 200;
    /// <summary>
    /// A list counts its matches exactly up to this many; beyond, the count is this plus one and
    /// <see cref="PagedResult{T}.TotalIsCapped"/> is set ("10,000+"). Counting a million matches for a page of 25 costs
    /// far more than the page.
    /// </summary>
    public const int CountCap = 10_000;
    /// <summary>
    /// A search counts up to this many matches. With a filter beside the words, counting means checking each candidate
    /// against the index (about 9 µs each for a word in most tickets), so ten thousand would take a tenth of a second.
    /// </summary>
    public const int SearchCountCap = 1_000;

    private Task<TenantAccess> AccessAsync(CancellationToken ct) => tenantScope?.GetAsync(ct) ?? Task.FromResult(TenantAccess.All);

    /// <param name="after">
    /// The last row of the page before, for the next page: the page then starts right after that row in the sort
    /// (keyset paging, as fast at the millionth row as at the first) and <paramref name="page"/> is not used.
    /// </param>
    public async Task<PagedResult<TicketListRow>> QueryAsync(
        TicketListFilter filter, string? currentUserId, TicketSort sort, int page, int pageSize, CancellationToken ct = default, TicketListRow? after = null)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        page = Math.Max(page, 0);
        var now = Now();

        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (query, search, fromFilter, cap) = await FilteredAsync(db, filter, currentUserId, now, access, sort, ct);
        var (total, capped) = await CountAsync(query, cap, ct);
        if (capped && filter.MineOnly && currentUserId is not null)
        {
            // Many of my tickets: reading them all through the two indexes and sorting costs more than walking the
            // sort's index until a page is found (a quarter of a desk can be one agent's).
            query = ApplyFilter(db, filter, currentUserId, now, access, search, mineBySortIndex: true, searchFromFilter: fromFilter);
        }
        List<int>? relevanceOrder = null;
        IQueryable<Ticket> pageQuery;
        if (search is not null && sort == TicketSort.Default)
        {
            // Without a chosen sort a search lists the best matches first. The newest matches are few: start from them.
            relevanceOrder = await TicketSearchRanking.PageIdsAsync(
                db, search,
                filter.NarrowsBesidesText(access)
                    ? ids => ApplyFilter(db, filter with { Text = null }, currentUserId, now, access).Where(t => EF.Parameter(ids).Contains(t.Id))
                    : null,
                older => TicketListOrder.Apply(
                    ApplyFilter(db, filter, currentUserId, now, access, search, older, searchFromFilter: fromFilter), TicketSort.Default, bySort: BySort(db, capped, total, (page + 1) * pageSize)),
                page * pageSize, pageSize, ct);
            pageQuery = db.Set<Ticket>().AsNoTracking().Where(t => relevanceOrder.Contains(t.Id));
        }
        else
        {
            var ids = after is null
                ? TicketListOrder.Apply(query, sort, bySort: BySort(db, capped, total, (page + 1) * pageSize)).Skip(page * pageSize).Take(pageSize)
                : TicketListOrder.Apply(query.Where(TicketListOrder.After(sort, after, nullsLargest: db.Database.IsNpgsql())), sort, bySort: BySort(db, capped, total, (page + 1) * pageSize)).Take(pageSize);
            // The page's ids first (read from the sort's index alone, however deep the page), then only their rows.
            // Two statements: as one (Id IN subquery) SQLite may plan the outer scan over every ticket.
            var pageIds = await ids.Select(t => t.Id).ToListAsync(ct);
            pageQuery = TicketListOrder.Apply(db.Set<Ticket>().AsNoTracking().Where(t => pageIds.Contains(t.Id)), sort);
        }
        var rows = await ToRowsAsync(db, pageQuery, search, now, ct);
        if (relevanceOrder is not null)
        {
            rows = rows.OrderBy(r => relevanceOrder.IndexOf(r.Id)).ToList();
        }
        return new PagedResult<TicketListRow>(rows, total, capped);
    }

    /// <summary>
    /// The last page of the list: the first page of the reversed sort, turned round. Needs no count, so it is as fast
    /// as the first page however many tickets match.
    /// </summary>
    public async Task<PagedResult<TicketListRow>> QueryLastPageAsync(
        TicketListFilter filter, string? currentUserId, TicketSort sort, int pageSize, CancellationToken ct = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        if (SearchOf(filter) is not null && sort == TicketSort.Default)
        {
            // Relevance has no reverse: count (capped) and page.
            var counted = await QueryAsync(filter, currentUserId, sort, 0, 1, ct);
            return await QueryAsync(filter, currentUserId, sort, Math.Max(0, (counted.TotalCount - 1) / pageSize), pageSize, ct);
        }
        var now = Now();
        var access = await AccessAsync(ct);
        var reversed = sort with { Descending = !sort.Descending };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (query, search, _, cap) = await FilteredAsync(db, filter, currentUserId, now, access, reversed, ct);
        var (total, capped) = await CountAsync(query, cap, ct);
        var pageIds = await TicketListOrder.Apply(query, reversed, bySort: BySort(db, capped, total, pageSize)).Take(pageSize).Select(t => t.Id).ToListAsync(ct);
        var rows = await ToRowsAsync(db, TicketListOrder.Apply(db.Set<Ticket>().AsNoTracking().Where(t => pageIds.Contains(t.Id)), sort), search, now, ct);
        return new PagedResult<TicketListRow>(rows, total, capped);
    }

    /// <summary>The cap on counts; tests lower it to run the paths of a large desk on a small one.</summary>
    internal int Cap { get; init; } = CountCap;

    /// <summary>A word in at least this many tickets is common: a filtered search then starts from the filter's tickets.</summary>
    internal int CommonWordMatches { get; init; } = 10_000;

    /// <summary>
    /// The filter's tickets, the search it holds with its prefixes spelled out, whether the search is checked ticket by
    /// ticket, and the cap on counting them.
    /// </summary>
    private async Task<(IQueryable<Ticket> Query, TicketSearchQuery? Search, bool FromFilter, int Cap)> FilteredAsync(
        AppDbContext db, TicketListFilter filter, string? currentUserId, ListNow now, TenantAccess access, TicketSort sort, CancellationToken ct)
    {
        var search = await SearchOfAsync(db, filter, ct);
        if (search is null)
        {
            return (ApplyFilter(db, filter, currentUserId, now, access), null, false, Cap);
        }
        // A common word with a filter beside it, or in a chosen sort: the filter's tickets, or the first tickets in the
        // sort's index, are fewer than the word's, so check those against the index rather than the other way round.
        var fromFilter = (filter.NarrowsBesidesText(access) || sort != TicketSort.Default) && await IsCommonAsync(db, search, ct);
        return (ApplyFilter(db, filter, currentUserId, now, access, search, searchFromFilter: fromFilter), search, fromFilter, Math.Min(Cap, SearchCountCap));
    }

    /// <summary>
    /// Whether the page may be read along the sort's index (<see cref="TicketListOrder.Apply"/>): on SQLite when many
    /// tickets match. PostgreSQL's planner weighs the filter against the sort itself, and the constant leading key made
    /// it read and sort every match. Only when the page ends near the last match (<paramref name="pageEnd"/> of
    /// <paramref name="total"/>) would a walk along the sort's index cross most of it (to its end once past the last),
    /// which the planner cannot see when it estimates the matches far too high (the SLA filters): then it reads the few
    /// matches and sorts them.
    /// </summary>
    private static bool BySort(AppDbContext db, bool capped, int total, int pageEnd) =>
        capped || (db.Database.IsNpgsql() && pageEnd * 4 < total);

    private static async Task<(int Total, bool Capped)> CountAsync(IQueryable<Ticket> query, int cap, CancellationToken ct)
    {
        var total = await query.Take(cap + 1).CountAsync(ct);
        return (total, total > cap);
    }

    private async Task<bool> IsCommonAsync(AppDbContext db, TicketSearchQuery search, CancellationToken ct) =>
        await TicketSearchSql.Matching(db, search).Take(CommonWordMatches).CountAsync(ct) == CommonWordMatches;

    private static async Task<List<TicketListRow>> ToRowsAsync(
        AppDbContext db, IQueryable<Ticket> pageQuery, TicketSearchQuery? search, ListNow now, CancellationToken ct)
    {
        var rows = await pageQuery
            .Select(TicketListRows.Projection(now.Today))
            .ToListAsync(ct);
        if (search is not null && rows.Count > 0)
        {
            rows = await TicketSearchRanking.WithSnippetsAsync(db, search, rows, ct);
        }
        return rows;
    }

    /// <summary>
    /// The row <paramref name="ticketId"/> has in the list <paramref name="filter"/> shows, or null if the filter does not
    /// match it (any more): a live list patches one row instead of reloading its page.
    /// </summary>
    public async Task<TicketListRow?> GetListRowAsync(int ticketId, TicketListFilter filter, string? currentUserId, CancellationToken ct = default)
    {
        var now = Now();
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var search = await SearchOfAsync(db, filter, ct);
        var filtered = ApplyFilter(db, filter, currentUserId, now, access, search);
        return (await ToRowsAsync(db, filtered.Where(t => t.Id == ticketId), search, now, ct)).SingleOrDefault();
    }

    /// <summary>The ids of every ticket the filter matches (a bulk action over the whole filter, not just a page).</summary>
    public async Task<IReadOnlyList<int>> QueryIdsAsync(TicketListFilter filter, string? currentUserId, CancellationToken ct = default)
    {
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ApplyFilter(db, filter, currentUserId, Now(), access, await SearchOfAsync(db, filter, ct)).OrderBy(t => t.Number).Select(t => t.Id).ToListAsync(ct);
    }

    /// <summary>The full-text search the filter's text asks for; null for none or a ticket number ("#1234", "1234").</summary>
    private static TicketSearchQuery? SearchOf(TicketListFilter filter)
    {
        var text = filter.Text?.Trim();
        return string.IsNullOrEmpty(text) || int.TryParse(text.TrimStart('#'), out _) ? null : TicketSearchQuery.Parse(text);
    }

    private static async Task<TicketSearchQuery?> SearchOfAsync(AppDbContext db, TicketListFilter filter, CancellationToken ct) =>
        SearchOf(filter) is { } search ? await TicketSearchWords.SpellOutPrefixesAsync(db, search, ct) : null;

    internal static IQueryable<Ticket> ApplyFilter(
        AppDbContext db, TicketListFilter filter, string? currentUserId, ListNow now, TenantAccess access,
        TicketSearchQuery? search = null, TicketIdRange? searchRange = null, bool mineBySortIndex = false, bool searchFromFilter = false)
    {
        var query = db.Set<Ticket>().AsNoTracking().WhereTenantAllowed(access, t => t.TenantId);
        // Only tickets with a running target can be at risk or breached: some ten thousand of a million, in the SLA index
        // (open work, not years of history). Beside it, status, handler and tenant are written so that SQLite cannot use
        // their indexes (+ 0, coalesce), which hold a large share of the desk; without statistics it would prefer them.
        var slaDrives = filter.SlaAtRisk || filter.SlaBreached;
        if (filter.Statuses.Count > 0)
        {
            var statuses = filter.Statuses.ToList();
            query = slaDrives ? query.Where(t => statuses.Contains(t.Status + 0)) : query.Where(t => statuses.Contains(t.Status));
        }
        if (!string.IsNullOrEmpty(filter.HandlerId))
        {
            query = slaDrives ? query.Where(t => (t.HandlerId ?? "") == filter.HandlerId) : query.Where(t => t.HandlerId == filter.HandlerId);
        }
        if (filter.MineOnly)
        {
            // "My tickets": the ones I handle or watch.
            var watched = db.Set<TicketWatcher>().Where(w => w.UserId == currentUserId).Select(w => w.TicketId);
            // The same condition without a usable index (coalesce hides HandlerId), so SQLite walks the sort's index instead.
            query = currentUserId is null ? query.Where(_ => false)
                : mineBySortIndex || slaDrives ? query.Where(t => (t.HandlerId ?? "") == currentUserId || watched.Contains(t.Id))
                : query.Where(t => t.HandlerId == currentUserId || watched.Contains(t.Id));
        }
        if (filter.UnassignedOnly)
        {
            query = slaDrives ? query.Where(t => (t.HandlerId ?? "") == "") : query.Where(t => t.HandlerId == null);
        }
        if (filter.CustomerId is int customerId)
        {
            var assignedTicketIds = db.Set<TicketAssignedCustomer>().Where(c => c.CustomerId == customerId).Select(c => c.TicketId);
            if (db.Database.IsNpgsql())
            {
                // One id list from both indexes (the customer's tickets UNION its assignments): with the two sides ORed
                // on the ticket, PostgreSQL estimated half the desk and scanned all of it.
                var customerTicketIds = db.Set<Ticket>().Where(t => t.CustomerId == customerId).Select(t => t.Id).Union(assignedTicketIds);
                query = query.Where(t => customerTicketIds.Contains(t.Id));
            }
            else
            {
                // IN (subquery) rather than EXISTS per row lets SQLite answer both branches from indexes.
                query = query.Where(t => t.CustomerId == customerId || assignedTicketIds.Contains(t.Id));
            }
        }
        if (filter.TenantId is int tenantId)
        {
            query = slaDrives ? query.Where(t => t.TenantId + 0 == tenantId) : query.Where(t => t.TenantId == tenantId);
        }
        if (filter.OverdueOnly)
        {
            query = query.Where(t => t.ExpectedDate != null && t.ExpectedDate < now.Today && t.Status != TicketStatus.Closed);
        }
        // A breached target was at risk before (its at-risk time comes first), so all three read one range of the SLA
        // index, which also holds the due time and the default sort's column: no row is read for the count.
        if (filter.SlaAtRisk && filter.SlaBreached)
        {
            query = query.Where(t => t.SlaAtRiskAt <= now.Utc);
        }
        else if (filter.SlaAtRisk)
        {
            query = query.Where(t => t.SlaAtRiskAt <= now.Utc && t.SlaDueAt > now.Utc);
        }
        else if (filter.SlaBreached)
        {
            query = query.Where(t => t.SlaAtRiskAt <= now.Utc && t.SlaDueAt <= now.Utc);
        }
        if (filter.UnbilledOnly)
        {
            // The flag the time entries' triggers keep, read through its partial index (TicketUnbilledSql).
            query = query.Where(t => t.TimeTrackingAllowed && t.HasUnbilledTime);
        }
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var text = filter.Text.Trim();
            var number = int.TryParse(text.TrimStart('#'), out var n) ? n : (int?)null;
            if (text.StartsWith('#') && number is not null)
            {
                // "#1234" is unmistakably a ticket number: use the unique index instead of scanning subjects.
                query = query.Where(t => t.Number == number);
            }
            else if ((search ?? TicketSearchQuery.Parse(text)) is { } words)
            {
                // Subject, message bodies and customers, through the full-text index (TicketSearchSql).
                var range = searchRange ?? TicketIdRange.All;
                var matches = TicketSearchSql.Matching(db, words).Where(s => s.TicketId >= range.From && s.TicketId < range.Below);
                query = number is not null
                    ? query.Where(t => t.Number == number || matches.Select(s => s.TicketId).Contains(t.Id))
                    // EXISTS per ticket keeps SQLite starting from the filter's index or the sort's; a join lets it start from the
                    // words. The id range stays inside: on the ticket itself it would make SQLite walk the tickets by id.
                    : searchFromFilter
                        ? query.Where(t => matches.Any(s => s.TicketId == t.Id))
                        : query.Join(matches, t => t.Id, s => s.TicketId, (t, _) => t);
            }
            else
            {
                // Only punctuation: nothing a word could match.
                query = query.Where(_ => false);
            }
        }
        return query;
    }

    public Task<TicketDetails?> GetAsync(int ticketId, CancellationToken ct = default) => GetAsync(ticketId, withMessages: true, ct);

    /// <summary>The ticket without its conversation (Messages empty): what a change of its fields needs reloaded.</summary>
    public Task<TicketDetails?> GetHeaderAsync(int ticketId, CancellationToken ct = default) => GetAsync(ticketId, withMessages: false, ct);

    private async Task<TicketDetails?> GetAsync(int ticketId, bool withMessages, CancellationToken ct)
    {
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var header = await db.Set<Ticket>().AsNoTracking()
            .Where(t => t.Id == ticketId)
            .WhereTenantAllowed(access, t => t.TenantId)
            .Select(t => new
            {
                Ticket = t,
                TenantName = t.Tenant.Name,
                CustomerName = t.Customer != null ? t.Customer.Name : null,
                HandlerName = t.Handler != null ? t.Handler.DisplayName : null,
                WatcherIds = t.Watchers.Select(w => w.UserId).ToList(),
                AssignedCustomerIds = t.AssignedCustomers.Select(c => c.CustomerId).ToList(),
            })
            .SingleOrDefaultAsync(ct);
        if (header is null)
        {
            return null;
        }

        var messages = !withMessages ? [] : await db.Set<TicketMessage>().AsNoTracking()
            .Where(m => m.TicketId == ticketId)
            .OrderBy(m => m.Date).ThenBy(m => m.Id)
            .Select(m => new MessageView(
                m.Id,
                m.Direction,
                m.From,
                m.To,
                m.Cc,
                m.Subject,
                m.Date,
                m.TextBody,
                m.HtmlBody,
                m.Author != null ? m.Author.DisplayName : null,
                m.Attachments.OrderBy(a => a.Id).Select(a => new AttachmentView(a.Id, a.FileName, a.ContentType, a.Size, a.ContentId)).ToList()))
            .ToListAsync(ct);

        var t = header.Ticket;
        return new TicketDetails(
            t.Id, t.Number, header.TenantName, header.CustomerName, header.HandlerName, t.CreatedAt, t.UpdatedAt, t.UpdatedBy,
            ToEdit(t, header.WatcherIds, header.AssignedCustomerIds),
            messages,
            t.MergedIntoTicketId);
    }

    private static TicketEdit ToEdit(Ticket t, IReadOnlyCollection<string> watcherIds, IReadOnlyCollection<int> assignedCustomerIds) => new()
    {
        Id = t.Id,
        Version = t.Version,
        Subject = t.Subject,
        Status = t.Status,
        HandlerId = t.HandlerId,
        WatcherIds = watcherIds,
        CustomerId = t.CustomerId,
        AssignedCustomerIds = assignedCustomerIds,
        CustomerNote = t.CustomerNote,
        InternalNote = t.InternalNote,
        ExpectedDate = t.ExpectedDate?.ToDateTime(TimeOnly.MinValue),
        EstimatedEffortHours = t.EstimatedEffortHours,
        ProcessingStart = t.ProcessingStart,
        ProcessingEnd = t.ProcessingEnd,
        TenantId = t.TenantId,
        TimeTrackingAllowed = t.TimeTrackingAllowed,
    };

    /// <summary>Users who may handle or watch tickets: members of group Ticket-Support.</summary>
    private static IQueryable<AppUser> SupportUsers(AppDbContext db) =>
        db.Users.Where(u => u.Memberships.Any(m => m.Group.Name == Groups.TicketSupport));

    public async Task<IReadOnlyList<Option<int>>> GetTenantsAsync(CancellationToken ct = default)
    {
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<Tenant>().AsNoTracking().WhereTenantAllowed(access, t => t.Id).OrderBy(t => t.Name).Select(t => new Option<int>(t.Id, t.Name)).ToListAsync(ct);
    }

    /// <summary>Checks an edit against the rules the information panel shows; keys are field names.</summary>
    public async Task<FieldErrors> ValidateAsync(TicketEdit edit, CancellationToken ct = default)
    {
        var errors = TicketValidation.Validate(edit);
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        var people = edit.WatcherIds.Append(edit.HandlerId).Where(id => id is not null).Distinct().ToList();
        if (people.Count > 0)
        {
            var supportIds = await SupportUsers(db).Where(u => people.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct);
            if (edit.HandlerId is not null && !supportIds.Contains(edit.HandlerId))
            {
                errors.AddIfFirst(nameof(TicketEdit.HandlerId), "The ticket handler must be a member of group Ticket-Support.");
            }
            if (edit.WatcherIds.Any(id => !supportIds.Contains(id)))
            {
                errors.AddIfFirst(nameof(TicketEdit.WatcherIds), "Assigned users must be members of group Ticket-Support.");
            }
        }

        if (!access.Allows(edit.TenantId) || !await db.Set<Tenant>().AnyAsync(t => t.Id == edit.TenantId, ct))
        {
            errors.AddIfFirst(nameof(TicketEdit.TenantId), "Choose a tenant.");
        }
        var customerIds = edit.AssignedCustomerIds.Append(edit.CustomerId ?? 0).Where(id => id != 0).Distinct().ToList();
        if (customerIds.Count > 0)
        {
            var inTenant = await db.Set<Customer>().Where(c => customerIds.Contains(c.Id) && c.TenantId == edit.TenantId).Select(c => c.Id).ToListAsync(ct);
            if (edit.CustomerId is int customerId && !inTenant.Contains(customerId))
            {
                errors.AddIfFirst(nameof(TicketEdit.CustomerId), "The customer must belong to the ticket's tenant.");
            }
            if (edit.AssignedCustomerIds.Any(id => !inTenant.Contains(id)))
            {
                errors.AddIfFirst(nameof(TicketEdit.AssignedCustomerIds), "Assigned customers must belong to the ticket's tenant.");
            }
        }
        return errors;
    }

    /// <summary>
    /// Saves an edit made from <paramref name="original"/>. If someone saved in between, nothing is written and the
    /// caller gets their values and the fields they changed.
    /// </summary>
    public async Task<SaveTicketResult> SaveAsync(TicketEdit original, TicketEdit edited, string changedBy, CancellationToken ct = default)
    {
        var errors = await ValidateAsync(edited, ct);
        if (errors.Count > 0)
        {
            return new SaveTicketResult.Invalid(errors);
        }
        for (var attempt = 0; ; attempt++)
        {
            var result = await TrySaveAsync(original, edited, changedBy, ct);
            // Someone saved in between without a change this save would undo (a note, a new message, the same value):
            // nothing to reconcile.
            if (result is SaveTicketResult.Conflict conflict && !TicketValidation.Overwrites(original, conflict.Current, edited) && attempt < 3)
            {
                original = original.Clone();
                original.Version = conflict.Current.Version;
                continue;
            }
            return result;
        }
    }

    private async Task<SaveTicketResult> TrySaveAsync(TicketEdit original, TicketEdit edited, string changedBy, CancellationToken ct)
    {
        using var acting = History.TicketHistory.ActAsUnlessSet(await History.TicketHistory.SignedInUserAsync(tenantScope));
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ticket = await db.Set<Ticket>()
            .Include(t => t.Watchers)
            .Include(t => t.AssignedCustomers)
            .WhereTenantAllowed(access, t => t.TenantId)
            .SingleOrDefaultAsync(t => t.Id == edited.Id, ct);
        if (ticket is null)
        {
            return new SaveTicketResult.NotFound();
        }
        db.Entry(ticket).Property(t => t.Version).OriginalValue = original.Version;
        if (ticket.Version != original.Version)
        {
            return await ConflictAsync(edited, ct);
        }

        ticket.Subject = edited.Subject.Trim();
        ticket.Status = edited.Status;
        ticket.HandlerId = edited.HandlerId;
        ticket.CustomerId = edited.CustomerId;
        ticket.CustomerNote = edited.CustomerNote;
        ticket.InternalNote = edited.InternalNote;
        ticket.ExpectedDate = edited.ExpectedDate is DateTime expected ? DateOnly.FromDateTime(expected) : null;
        ticket.EstimatedEffortHours = edited.EstimatedEffortHours;
        ticket.ProcessingStart = edited.ProcessingStart;
        ticket.ProcessingEnd = edited.ProcessingEnd;
        ticket.TenantId = edited.TenantId;
        ticket.TimeTrackingAllowed = edited.TimeTrackingAllowed;
        ticket.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        ticket.UpdatedBy = changedBy;

        ticket.Watchers.RemoveAll(w => !edited.WatcherIds.Contains(w.UserId));
        foreach (var userId in edited.WatcherIds.Where(id => ticket.Watchers.All(w => w.UserId != id)))
        {
            ticket.Watchers.Add(new TicketWatcher { TicketId = ticket.Id, UserId = userId });
        }
        ticket.AssignedCustomers.RemoveAll(c => !edited.AssignedCustomerIds.Contains(c.CustomerId));
        foreach (var customerId in edited.AssignedCustomerIds.Where(id => ticket.AssignedCustomers.All(c => c.CustomerId != id)))
        {
            ticket.AssignedCustomers.Add(new TicketAssignedCustomer { TicketId = ticket.Id, CustomerId = customerId });
        }

        try
        {
            await db.SaveChangesAsync(ct);
            return new SaveTicketResult.Saved(ticket.Version);
        }
        catch (DbUpdateConcurrencyException)
        {
            return await ConflictAsync(edited, ct);
        }
    }

    private async Task<SaveTicketResult> ConflictAsync(TicketEdit edited, CancellationToken ct)
    {
        var current = await GetAsync(edited.Id, ct);
        if (current is null)
        {
            return new SaveTicketResult.NotFound();
        }
        var differences = TicketValidation.ConflictingFields(current.Edit, edited).ToList();
        var names = differences.Count == 0 ? TicketValidation.NameLookup.Empty : await NamesAsync([current.Edit, edited], ct);
        var changes = differences
            .Select(field => new FieldChange(field.Label, field.Describe(current.Edit, names), field.Describe(edited, names)))
            .ToList();
        return new SaveTicketResult.Conflict(current.Edit, current.UpdatedBy, current.UpdatedAt, changes);
    }

    private async Task<TicketValidation.NameLookup> NamesAsync(TicketEdit[] edits, CancellationToken ct)
    {
        var userIds = edits.SelectMany(e => e.WatcherIds.Append(e.HandlerId)).OfType<string>().Distinct().ToList();
        var customerIds = edits.SelectMany(e => e.AssignedCustomerIds.Append(e.CustomerId ?? 0)).Distinct().ToList();
        var tenantIds = edits.Select(e => e.TenantId).Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var users = await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var customers = await db.Set<Customer>().Where(c => customerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var tenants = await db.Set<Tenant>().Where(t => tenantIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        return new TicketValidation.NameLookup(users, customers, tenants);
    }

    /// <summary>
    /// Opens a ticket for a customer of a tenant the user may see; the text becomes the customer's first message,
    /// addressed to the tenant's sender address as if they had mailed it.
    /// </summary>
    public async Task<CreateTicketResult> CreateAsync(NewTicket input, string createdBy, CancellationToken ct = default)
    {
        var edit = new TicketEdit
        {
            Subject = input.Subject ?? "",
            Status = input.Status,
            HandlerId = string.IsNullOrWhiteSpace(input.HandlerId) ? null : input.HandlerId,
            WatcherIds = input.WatcherIds ?? [],
            CustomerId = input.CustomerId,
            TenantId = input.TenantId,
        };
        var errors = await ValidateAsync(edit, ct);
        if (input.CustomerId is null)
        {
            errors.AddIfFirst(nameof(NewTicket.CustomerId), "Choose a customer.");
        }
        if (string.IsNullOrWhiteSpace(input.Text))
        {
            errors.Add(nameof(NewTicket.Text), "Write the customer's message.");
        }
        else if (input.Text.Length > NewTicket.MaxTextLength)
        {
            errors.Add(nameof(NewTicket.Text), "The message may have at most 100,000 characters.");
        }
        if (errors.Count > 0)
        {
            return new CreateTicketResult.Invalid(errors);
        }

        using var acting = History.TicketHistory.ActAsUnlessSet(await History.TicketHistory.SignedInUserAsync(tenantScope));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customer = await db.Set<Customer>().AsNoTracking()
            .Where(c => c.Id == edit.CustomerId)
            .Select(c => new { c.Name, Email = c.Emails.OrderBy(e => e.Id).Select(e => e.Address).FirstOrDefault(), c.Tenant.SenderAddress })
            .SingleAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var ticket = new Ticket
        {
            Number = (int)await db.NextAsync(Sequences.TicketNumber, ct: ct),
            Subject = edit.Subject.Trim(),
            Status = edit.Status,
            HandlerId = edit.HandlerId,
            CustomerId = edit.CustomerId,
            TenantId = edit.TenantId,
            CreatedAt = now,
            UpdatedAt = now,
            UpdatedBy = createdBy,
            LastMessageAt = now,
            Watchers = edit.WatcherIds.Distinct().Select(id => new TicketWatcher { UserId = id }).ToList(),
        };
        ticket.Messages.Add(new TicketMessage
        {
            Ticket = ticket,
            Direction = MessageDirection.Inbound,
            From = string.IsNullOrWhiteSpace(customer.Email) ? customer.Name : new MimeKit.MailboxAddress(customer.Name, customer.Email).ToString(),
            To = customer.SenderAddress,
            Subject = ticket.Subject,
            Date = now,
            TextBody = input.Text.Trim(),
        });
        db.Set<Ticket>().Add(ticket);
        await db.SaveChangesAsync(ct);
        return new CreateTicketResult.Created(ticket.Id, ticket.Version);
    }

    public async Task<int> AddInternalNoteAsync(int ticketId, string text, string authorId, string authorName, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("An internal note needs some text.", nameof(text));
        }
        using var acting = History.TicketHistory.ActAsUnlessSet(History.HistoryActor.User(authorId, authorName));
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ticket = await db.Set<Ticket>().WhereTenantAllowed(access, t => t.TenantId).SingleOrDefaultAsync(t => t.Id == ticketId, ct)
            ?? throw new KeyNotFoundException($"Ticket {ticketId} does not exist.");
        var now = clock.GetUtcNow().UtcDateTime;
        var note = new TicketMessage
        {
            TicketId = ticketId,
            Direction = MessageDirection.InternalNote,
            From = authorName,
            AuthorId = authorId,
            Date = now,
            TextBody = text.Trim(),
        };
        db.Set<TicketMessage>().Add(note);
        ticket.UpdatedAt = now;
        ticket.UpdatedBy = authorName;
        await db.SaveChangesAsync(ct);
        return note.Id;
    }

    private ListNow Now() => new(DateOnly.FromDateTime(clock.GetLocalNow().DateTime), clock.GetUtcNow().UtcDateTime);
}
