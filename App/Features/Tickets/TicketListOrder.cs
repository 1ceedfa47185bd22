using System.Linq.Expressions;

namespace BlazorTickets.Features.Tickets;

/// <summary>
/// The list's sorts, each with the ticket id as tie-breaker in the same direction, so every sort has one index that
/// delivers it (an index on the column also orders by rowid), and the seek predicate for keyset paging.
/// SQLite orders NULL before any value: first ascending, last descending; PostgreSQL after any value (last ascending,
/// first descending), so the seek predicate is told which.
/// </summary>
public static class TicketListOrder
{
    /// <param name="bySort">
    /// False when the filter matches few tickets: a leading constant key (Id * 0) that no index delivers keeps SQLite
    /// from walking the sort's index past a million non-matching rows; it reads the matches by the filter's index and
    /// sorts them. True lets it walk the sort's index, which finds a page of many matches almost at once.
    /// </param>
    public static IOrderedQueryable<Ticket> Apply(IQueryable<Ticket> query, TicketSort sort, bool bySort = true)
    {
        var ordered = bySort ? null : query.OrderBy(t => t.Id * 0);
        return sort.Field switch
        {
            TicketSortField.Number => By(query, ordered, t => t.Number, sort.Descending),
            TicketSortField.Subject => By(query, ordered, t => t.Subject, sort.Descending),
            TicketSortField.Status => By(query, ordered, t => t.Status, sort.Descending),
            TicketSortField.Handler => By(query, ordered, t => t.HandlerName, sort.Descending),
            TicketSortField.Customer => By(query, ordered, t => t.CustomerName, sort.Descending),
            TicketSortField.ExpectedDate => By(query, ordered, t => t.ExpectedDate, sort.Descending),
            TicketSortField.LastMessageAt => By(query, ordered, t => t.LastMessageAt, sort.Descending),
            TicketSortField.SlaDueAt => By(query, ordered, t => t.SlaDueAt, sort.Descending),
            _ => By(query, ordered, t => t.UpdatedAt, sort.Descending),
        };
    }

    /// <summary>The tickets that come after <paramref name="row"/> in <paramref name="sort"/>.</summary>
    /// <param name="nullsLargest">The database orders NULL after every value (PostgreSQL), not before (SQLite).</param>
    public static Expression<Func<Ticket, bool>> After(TicketSort sort, TicketListRow row, bool nullsLargest = false)
    {
        // Whether the walk meets the NULLs after every value: descending on SQLite, ascending on PostgreSQL.
        var nullsAfter = sort.Descending != nullsLargest;
        return sort.Field switch
        {
            TicketSortField.Number => Beyond(t => t.Number, row.Number, row.Id, sort.Descending, nullsAfter),
            TicketSortField.Subject => Beyond(t => t.Subject, row.Subject, row.Id, sort.Descending, nullsAfter),
            TicketSortField.Status => Beyond(t => (int)t.Status, (int)row.Status, row.Id, sort.Descending, nullsAfter),
            TicketSortField.Handler => Beyond(t => t.HandlerName, row.HandlerName, row.Id, sort.Descending, nullsAfter),
            TicketSortField.Customer => Beyond(t => t.CustomerName, row.CustomerName, row.Id, sort.Descending, nullsAfter),
            TicketSortField.ExpectedDate => Beyond(t => t.ExpectedDate, row.ExpectedDate, row.Id, sort.Descending, nullsAfter),
            TicketSortField.LastMessageAt => Beyond(t => t.LastMessageAt, row.LastMessageAt, row.Id, sort.Descending, nullsAfter),
            TicketSortField.SlaDueAt => Beyond(t => t.SlaDueAt, row.SlaDueAt, row.Id, sort.Descending, nullsAfter),
            _ => Beyond(t => t.UpdatedAt, row.UpdatedAt, row.Id, sort.Descending, nullsAfter),
        };
    }

    private static IOrderedQueryable<Ticket> By<TKey>(
        IQueryable<Ticket> query, IOrderedQueryable<Ticket>? ordered, Expression<Func<Ticket, TKey>> key, bool descending) => ordered is not null
        ? (descending ? ordered.ThenByDescending(key).ThenByDescending(t => t.Id) : ordered.ThenBy(key).ThenBy(t => t.Id))
        : (descending ? query.OrderByDescending(key).ThenByDescending(t => t.Id) : query.OrderBy(key).ThenBy(t => t.Id));

    /// <summary>A value EF sends as a parameter, not as a literal in the SQL text.</summary>
    private sealed class Boxed<T>(T value)
    {
        public T Value { get; } = value;
    }

    /// <summary>
    /// key &gt; value, or key = value and Id &gt; id (mirrored for descending). When NULLs come before the values
    /// (<paramref name="nullsAfter"/> false), after a NULL come the other NULLs with a larger id and then every value;
    /// when they come after, after a value come the further values and then all NULLs.
    /// </summary>
    private static Expression<Func<Ticket, bool>> Beyond<TKey>(Expression<Func<Ticket, TKey>> key, TKey value, int id, bool descending, bool nullsAfter)
    {
        var ticket = key.Parameters[0];
        var column = key.Body;
        var nullable = !typeof(TKey).IsValueType || Nullable.GetUnderlyingType(typeof(TKey)) is not null;
        Expression Parameter<T>(T v) => Expression.Property(Expression.Constant(new Boxed<T>(v)), nameof(Boxed<T>.Value));
        var idColumn = Expression.Property(ticket, nameof(Ticket.Id));
        var idBeyond = descending ? Expression.LessThan(idColumn, Parameter(id)) : Expression.GreaterThan(idColumn, Parameter(id));
        var isNull = nullable ? Expression.Equal(column, Expression.Constant(null, typeof(TKey))) : null;
        var isNotNull = nullable ? Expression.NotEqual(column, Expression.Constant(null, typeof(TKey))) : null;

        Expression body;
        if (value is null)
        {
            body = nullsAfter
                ? Expression.AndAlso(isNull!, idBeyond)
                : Expression.OrElse(Expression.AndAlso(isNull!, idBeyond), isNotNull!);
        }
        else
        {
            var boxed = Parameter(value);
            var valueBeyond = Compare(column, boxed, descending);
            var tie = Expression.AndAlso(Expression.Equal(column, boxed), idBeyond);
            body = Expression.OrElse(valueBeyond, tie);
            if (nullsAfter && nullable)
            {
                body = Expression.OrElse(body, isNull!);
            }
        }
        return Expression.Lambda<Func<Ticket, bool>>(body, ticket);
    }

    private static readonly System.Reflection.MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

    private static Expression Compare(Expression column, Expression value, bool less)
    {
        if (column.Type == typeof(string))
        {
            // EF turns string.Compare(a, b) > 0 into a > b (SQLite's binary collation, as ORDER BY uses).
            var compared = Expression.Call(StringCompare, column, value);
            return less ? Expression.LessThan(compared, Expression.Constant(0)) : Expression.GreaterThan(compared, Expression.Constant(0));
        }
        return less ? Expression.LessThan(column, value) : Expression.GreaterThan(column, value);
    }
}
