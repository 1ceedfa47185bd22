using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Data;

public static class Sequences
{
    public const string TicketNumber = "ticket-number";

    /// <summary>Atomically takes the next value of a named counter; the row is created on first use.</summary>
    public static async Task<long> NextAsync(this AppDbContext db, string name, long firstValue = 1, CancellationToken ct = default)
    {
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO Counters (Name, Value) VALUES ({name}, {firstValue - 1}) ON CONFLICT(Name) DO NOTHING", ct);
        var values = await db.Database
            .SqlQuery<long>($"UPDATE Counters SET Value = Value + 1 WHERE Name = {name} RETURNING Value AS \"Value\"")
            .ToListAsync(ct);
        return values.Single();
    }
}
