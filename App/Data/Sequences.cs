using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Data;

public static class Sequences
{
    public const string TicketNumber = "ticket-number";

    /// <summary>Atomically takes the next value of a named counter; the row is created on first use.</summary>
    public static async Task<long> NextAsync(this AppDbContext db, string name, long firstValue = 1, CancellationToken ct = default)
    {
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""INSERT INTO "Counters" ("Name", "Value") VALUES ({name}, {firstValue - 1}) ON CONFLICT("Name") DO NOTHING""", ct);
        var values = await db.Database
            .SqlQuery<long>($"""UPDATE "Counters" SET "Value" = "Value" + 1 WHERE "Name" = {name} RETURNING "Value" AS "Value" """)
            .ToListAsync(ct);
        return values.Single();
    }

    /// <summary>Takes <paramref name="count"/> consecutive values at once and returns the last of them.</summary>
    public static async Task<long> ReserveAsync(this AppDbContext db, string name, long firstValue, long count, CancellationToken ct = default)
    {
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""INSERT INTO "Counters" ("Name", "Value") VALUES ({name}, {firstValue - 1}) ON CONFLICT("Name") DO NOTHING""", ct);
        var values = await db.Database
            .SqlQuery<long>($"""UPDATE "Counters" SET "Value" = "Value" + {count} WHERE "Name" = {name} RETURNING "Value" AS "Value" """)
            .ToListAsync(ct);
        return values.Single();
    }
}

/// <summary>
/// Hands out a counter's values from blocks reserved inside one transaction, so a batch pays for one statement
/// instead of one per value. What is left unused goes back before the commit; numbers stay without gaps because
/// the transaction holds the write lock on the counter until then.
/// </summary>
public sealed class SequenceBlock(string name, long firstValue)
{
    private long next;
    private long last = -1;

    public async Task<long> NextAsync(AppDbContext db, long mostStillNeeded, CancellationToken ct = default)
    {
        if (next > last)
        {
            var count = Math.Max(1, mostStillNeeded);
            last = await db.ReserveAsync(name, firstValue, count, ct);
            next = last - count + 1;
        }
        return next++;
    }

    public async Task ReturnUnusedAsync(AppDbContext db, CancellationToken ct = default)
    {
        if (next <= last)
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""UPDATE "Counters" SET "Value" = {next - 1} WHERE "Name" = {name} AND "Value" = {last}""", ct);
            last = next - 1;
        }
    }
}
