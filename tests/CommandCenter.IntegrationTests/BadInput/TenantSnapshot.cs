using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CommandCenter.IntegrationTests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.BadInput;

/// <summary>
/// Every row of the tenant (tenant-owned tables: its rows; the others: all rows) in the app's SQLite file as (row count,
/// SHA-256 of the rows) per table: two snapshots taken around
/// a rejected request must be equal, or the request wrote something (a half-write). Read straight from the file on a
/// read-only connection (WAL: it never blocks the app).
/// </summary>
internal static class TenantSnapshot
{
    // Written by the app on its own, not by a request: Quartz's bookkeeping, the migrations history.
    private static readonly string[] IgnoredTablePrefixes = ["QRTZ_", "__EFMigrations"];

    public static async Task<IReadOnlyDictionary<string, (long Rows, string Hash)>> TakeAsync(AppFactory app, CancellationToken cancellationToken, string tenantName = "Demo MSP")
    {
        var configured = app.Services.GetRequiredService<IConfiguration>()["Database:ConnectionString"]!;
        var builder = new SqliteConnectionStringBuilder(configured) { Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync(cancellationToken);

        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(0);
                if (!IgnoredTablePrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
                {
                    tables.Add(name);
                }
            }
        }

        string tenantId;
        await using (var tenant = connection.CreateCommand())
        {
            tenant.CommandText = "SELECT Id FROM Tenants WHERE Name = $name";
            tenant.Parameters.AddWithValue("$name", tenantName);
            tenantId = Convert.ToString(await tenant.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture)
                ?? throw new InvalidOperationException($"No tenant named {tenantName}.");
        }

        var result = new Dictionary<string, (long, string)>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            var owned = false;
            await using (var columns = connection.CreateCommand())
            {
                columns.CommandText = $"SELECT count(*) FROM pragma_table_info('{table}') WHERE name = 'TenantId'";
                owned = Convert.ToInt64(await columns.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0;
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long rows = 0;
            await using var select = connection.CreateCommand();
            // Tenant-owned tables: only this tenant's rows (the other demo tenant has start-up work of its own).
            select.CommandText = owned ? $"SELECT * FROM \"{table}\" WHERE TenantId = $tenant ORDER BY rowid" : $"SELECT * FROM \"{table}\" ORDER BY rowid";
            select.Parameters.AddWithValue("$tenant", tenantId);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            var ignored = IgnoredColumns(table);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows++;
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (ignored.Contains(reader.GetName(i)))
                    {
                        continue;
                    }

                    var value = reader.IsDBNull(i) ? "\u2400" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? "";
                    hash.AppendData(Encoding.UTF8.GetBytes(value));
                    hash.AppendData([0x1f]);
                }

                hash.AppendData([0x1e]);
            }

            result[table] = (rows, Convert.ToHexString(hash.GetHashAndReset()));
        }

        return result;
    }

    /// <summary>The tables whose rows differ between two snapshots (empty: nothing was written).</summary>
    public static List<string> Diff(IReadOnlyDictionary<string, (long Rows, string Hash)> before, IReadOnlyDictionary<string, (long Rows, string Hash)> after) =>
        before.Keys.Union(after.Keys)
            .Where(t => !before.TryGetValue(t, out var b) || !after.TryGetValue(t, out var a) || b != a)
            .Select(t => $"{t} ({(before.TryGetValue(t, out var b) ? b.Rows : 0)} → {(after.TryGetValue(t, out var a) ? a.Rows : 0)} rows)")
            .ToList();

    private static HashSet<string> IgnoredColumns(string table) => table switch
    {
        // Stamped on every authenticated API call: a read, not a write the caller asked for.
        "ApiKeys" => ["LastUsedUtc"],
        _ => [],
    };
}
