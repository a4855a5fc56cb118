using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Persistence;

/// <summary>
/// A write that could not get the database within the busy timeout: SQLite's single write lock held too long by
/// another connection (SQLITE_BUSY / SQLITE_LOCKED), or SQL Server's lock timeout or deadlock victim. Nothing was
/// written; the caller reports it ("try again") instead of failing with an internal error.
/// </summary>
public static class DatabaseBusy
{
    public const string Message = "The database is busy (another write held it longer than the busy timeout); nothing was saved. Try again.";

    public static bool Is(Exception? exception) => exception switch
    {
        SqliteException s => s.SqliteErrorCode is 5 or 6,
        Microsoft.Data.SqlClient.SqlException s => s.Number is 1205 or 1222,
        DbUpdateException { InnerException: { } inner } => Is(inner),
        InvalidOperationException { InnerException: { } inner } => Is(inner),
        _ => false,
    };
}
