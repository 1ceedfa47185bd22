using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BlazorTickets.Data;

/// <summary>What a provider's error means, in the terms the services act on.</summary>
public static class DbErrors
{
    private const int SqliteConstraintUnique = 2067;

    /// <summary>A unique index refused the write: another save got there first after our own checks.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException { SqliteExtendedErrorCode: SqliteConstraintUnique } => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        _ => false,
    };
}
