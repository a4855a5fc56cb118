using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.Simulators;
using CommandCenter.Simulators.World;
using CommandCenter.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Faults;

/// <summary>The demo app with a 3 s SQLite busy timeout, so a lock held past it is quick to provoke.</summary>
public sealed class BusyAppFactory : FaultAppFactory
{
    public const int TimeoutSeconds = 3;

    protected override int? BusyTimeoutSeconds => TimeoutSeconds;
}

/// <summary>
/// Issue 8, item 7: another connection holds SQLite's write lock (BEGIN IMMEDIATE) while the app saves. Released within
/// the busy timeout, the app's write waits and lands; held past it, the write is refused whole and said so (503 "database
/// busy, try again", a sync run recorded failed with its previous counts kept) — never lost silently, never a 500.
/// </summary>
public sealed class SqliteBusyTests(BusyAppFactory app) : IClassFixture<BusyAppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Database_IsInWalModeWithTheConfiguredBusyTimeout()
    {
        await using var db = await OpenAsync();
        await using var mode = db.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        ((string)(await mode.ExecuteScalarAsync(Ct))!).ShouldBe("wal");

        await using var context = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        new SqliteConnectionStringBuilder(context.Database.GetDbConnection().ConnectionString).DefaultTimeout.ShouldBe(BusyAppFactory.TimeoutSeconds);
        // Without a timeout of its own, a connection string gets 30 s.
        new SqliteConnectionStringBuilder(PersistenceModule.ResolveConnectionString(new DatabaseOptions { ConnectionString = "Data Source=/tmp/x.db" }, "/tmp"))
            .DefaultTimeout.ShouldBe(30);
    }

    [Fact]
    public async Task ApiWrite_LockReleasedWithinBusyTimeout_WaitsAndIsSaved()
    {
        await app.WaitForFirstSyncsAsync(Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var name = "Waited For Lock " + Guid.NewGuid().ToString("N")[..6];

        Task<HttpResponseMessage> create;
        await using (var blocker = await LockAsync())
        {
            create = http.PostAsJsonAsync("/api/v1/clients", new { name }, Ct);
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
            create.IsCompleted.ShouldBeFalse("the write should be waiting for the lock");
            await blocker.Transaction.RollbackAsync(Ct);
        }

        using var response = await create;
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await ClientsNamedAsync(http, name)).ShouldBe(1);
    }

    [Fact]
    public async Task ApiWrite_LockHeldPastBusyTimeout_Answers503TryAgainAndWritesNothing_ThenRetrySaves()
    {
        await app.WaitForFirstSyncsAsync(Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var name = "Refused While Locked " + Guid.NewGuid().ToString("N")[..6];

        await using (var blocker = await LockAsync())
        {
            using var refused = await http.PostAsJsonAsync("/api/v1/clients", new { name }, Ct);
            refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            refused.Headers.RetryAfter.ShouldNotBeNull();
            (await refused.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString()!.ShouldContain("Try again");
            await blocker.Transaction.RollbackAsync(Ct);
        }

        (await ClientsNamedAsync(http, name)).ShouldBe(0);
        using var retried = await http.PostAsJsonAsync("/api/v1/clients", new { name }, Ct);
        retried.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await ClientsNamedAsync(http, name)).ShouldBe(1);
    }

    [Fact]
    public async Task SyncSnapshotWrite_LockHeldPastBusyTimeout_RunRecordedFailedAndPreviousSnapshotsKept()
    {
        await app.WaitForFirstSyncsAsync(Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var world = app.Services.GetRequiredService<SimulatorWorld>();
        var pax8 = (await http.GetFromJsonAsync<JsonElement>("/api/v1/vendor-connections", Ct)).GetProperty("items").EnumerateArray()
            .Single(c => c.GetProperty("kind").GetString() == "pax8").GetProperty("id").GetGuid();
        (await SyncAsync(http, pax8)).GetProperty("status").GetString().ShouldBe("succeeded");
        var before = await SnapshotIdsAsync(http, pax8);

        // The run row is written, then the vendor answers slowly; the lock is taken in between, so the snapshot
        // write meets it and waits the whole busy timeout. It is released 2.5 s after that timeout, in time for the
        // failure to be recorded.
        world.Faults.Enqueue(new FaultSpec("pax8", FaultKind.Timeout, Count: 1, DelaySeconds: 0.5));
        var sync = SyncAsync(http, pax8);
        await WaitUntilRunningAsync(http, pax8);
        await using (var blocker = await LockAsync())
        {
            await Task.Delay(TimeSpan.FromSeconds(BusyTimeoutPlus(2.5)), Ct);
            await blocker.Transaction.RollbackAsync(Ct);
        }

        var outcome = await sync;
        outcome.GetProperty("status").GetString().ShouldBe("failed", outcome.ToString());
        outcome.GetProperty("error").GetString()!.ShouldContain("database stayed busy");
        (await SnapshotIdsAsync(http, pax8)).ShouldBe(before);
        var health = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/vendor-connections/{pax8}", Ct)).GetProperty("health");
        health.GetProperty("status").GetString().ShouldBe("failed");
        health.GetProperty("lastError").GetString()!.ShouldContain("database stayed busy");

        // Nothing stuck: the next sync saves.
        (await SyncAsync(http, pax8)).GetProperty("status").GetString().ShouldBe("succeeded");
        (await SnapshotIdsAsync(http, pax8)).ShouldNotBe(before);
    }

    private static double BusyTimeoutPlus(double seconds) => BusyAppFactory.TimeoutSeconds + seconds;

    private sealed class Blocker(SqliteConnection connection, SqliteTransaction transaction) : IAsyncDisposable
    {
        public SqliteTransaction Transaction { get; } = transaction;

        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>Another connection takes the database's write lock (BEGIN IMMEDIATE) and keeps it until rolled back.</summary>
    private async Task<Blocker> LockAsync()
    {
        var connection = await OpenAsync();
        var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, Ct);
        await using var write = connection.CreateCommand();
        write.Transaction = transaction;
        // A write makes sure the lock is really held (BEGIN IMMEDIATE already takes it).
        write.CommandText = "CREATE TEMP TABLE IF NOT EXISTS busy_probe(x); INSERT INTO busy_probe VALUES (1)";
        await write.ExecuteNonQueryAsync(Ct);
        return new Blocker(connection, transaction);
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        // This connection waits its turn (30 s) rather than fail if the app is writing at that moment.
        var connection = new SqliteConnection($"Data Source={app.DatabasePath};Default Timeout=30;Pooling=False");
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static async Task WaitUntilRunningAsync(HttpClient http, Guid connectionId)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((await http.GetFromJsonAsync<JsonElement>($"/api/v1/vendor-connections/{connectionId}", Ct)).GetProperty("health").GetProperty("status").GetString() != "running")
        {
            waited.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
            await Task.Delay(50, Ct);
        }
    }

    private static async Task<JsonElement> SyncAsync(HttpClient http, Guid connectionId)
    {
        var response = await http.PostAsync($"/api/v1/vendor-connections/{connectionId}/sync?wait=true", null, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<List<Guid>> SnapshotIdsAsync(HttpClient http, Guid connectionId) =>
        [.. (await http.GetFromJsonAsync<JsonElement>($"/api/v1/vendor-connections/{connectionId}/snapshots?pageSize=1000", Ct)).GetProperty("items")
            .EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).Order()];

    private static async Task<int> ClientsNamedAsync(HttpClient http, string name) =>
        (await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients?search={Uri.EscapeDataString(name)}", Ct)).GetProperty("items").EnumerateArray()
            .Count(c => c.GetProperty("name").GetString() == name);
}
