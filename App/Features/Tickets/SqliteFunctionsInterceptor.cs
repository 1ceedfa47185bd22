using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BlazorTickets.Features.Tickets;

/// <summary>
/// Adds the app's SQL functions to every connection EF creates; Microsoft.Data.Sqlite registers them again on each
/// open. The ticket search triggers call them, so any connection that writes tickets must come from here.
/// </summary>
public sealed class SqliteFunctionsInterceptor : DbConnectionInterceptor
{
    public static readonly SqliteFunctionsInterceptor Instance = new();

    public override DbConnection ConnectionCreated(ConnectionCreatedEventData eventData, DbConnection result)
    {
        if (result is SqliteConnection sqlite)
        {
            TicketSearchText.RegisterFunctions(sqlite);
        }
        return result;
    }
}
