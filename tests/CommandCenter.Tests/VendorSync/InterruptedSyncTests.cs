using CommandCenter.Common;
using CommandCenter.Tests.Support;
using CommandCenter.VendorSync;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Tests.VendorSync;

/// <summary>
/// Syncs left "running" by a process that died: one instance marks them all at start-up; with several instances
/// (clustered) only those whose sync lease no live instance holds — another instance's sync, however long it runs, is
/// left alone.
/// </summary>
public sealed class InterruptedSyncTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MarkInterruptedAsync_Clustered_MarksOnlySyncsWhoseLeaseNobodyHolds()
    {
        await using var db = await TestDatabase.CreateAsync();
        var now = db.Time.GetUtcNow().UtcDateTime;
        // A dead instance's sync started a minute ago; a live instance's has been running for 40 minutes and holds its lease.
        var (dead, live) = (await RunningAsync(db, "Dead instance's", now.AddMinutes(-1)), await RunningAsync(db, "Live instance's", now.AddMinutes(-40)));
        await using (var ctx = db.Factory.CreateDbContext())
        {
            // The live instance's lease, as it renews it (a third of its life ago).
            ctx.Leases.Add(new Lease { Key = SyncConnection.Handler.LeaseKey(live), Holder = "live-instance", ExpiresUtc = now + Leases.DefaultTtl * 2 / 3 });
            await ctx.SaveChangesAsync(Ct);
        }

        var bootstrapper = new SyncBootstrapper(null!, null!, db.Factory, null!, db.Time, NullLogger<SyncBootstrapper>.Instance);

        (await bootstrapper.MarkInterruptedAsync(onlyWithoutLiveLease: true, Ct)).ShouldBe(1);

        await using (var ctx = db.Open())
        {
            (await ctx.VendorConnections.SingleAsync(c => c.Id == dead, Ct)).LastStatus.ShouldBe(SyncStatus.Failed);
            (await ctx.SyncRuns.SingleAsync(r => r.ConnectionId == dead, Ct)).Error.ShouldBe("Interrupted by a restart.");
            (await ctx.VendorConnections.SingleAsync(c => c.Id == live, Ct)).LastStatus.ShouldBe(SyncStatus.Running);
            (await ctx.SyncRuns.SingleAsync(r => r.ConnectionId == live, Ct)).Status.ShouldBe(SyncStatus.Running);
        }

        // The live instance dies: its lease is no longer renewed and runs out; the next sweep marks its sync.
        db.Time.Advance(Leases.DefaultTtl);
        (await bootstrapper.MarkInterruptedAsync(onlyWithoutLiveLease: true, Ct)).ShouldBe(1);
        await using (var ctx = db.Open())
        {
            (await ctx.SyncRuns.SingleAsync(r => r.ConnectionId == live, Ct)).Status.ShouldBe(SyncStatus.Failed);
        }
    }

    [Fact]
    public async Task MarkInterruptedAsync_OneInstance_MarksEveryRunningSync()
    {
        await using var db = await TestDatabase.CreateAsync();
        var now = db.Time.GetUtcNow().UtcDateTime;
        var a = await RunningAsync(db, "A", now.AddMinutes(-1));
        var b = await RunningAsync(db, "B", now.AddMinutes(-40));
        var bootstrapper = new SyncBootstrapper(null!, null!, db.Factory, null!, db.Time, NullLogger<SyncBootstrapper>.Instance);

        (await bootstrapper.MarkInterruptedAsync(onlyWithoutLiveLease: false, Ct)).ShouldBe(2);

        await using var ctx = db.Open();
        (await ctx.SyncRuns.CountAsync(r => (r.ConnectionId == a || r.ConnectionId == b) && r.Status == SyncStatus.Failed, Ct)).ShouldBe(2);
    }

    private static async Task<Guid> RunningAsync(TestDatabase db, string name, DateTime startedUtc)
    {
        await using var ctx = db.Open();
        var connection = new VendorConnection
        {
            Kind = VendorKind.NinjaOne, Name = name, BaseUrl = "https://example.test", ProtectedCredentials = "x",
            CreatedUtc = startedUtc, UpdatedUtc = startedUtc, LastStatus = SyncStatus.Running, LastSyncStartedUtc = startedUtc,
        };
        ctx.VendorConnections.Add(connection);
        ctx.SyncRuns.Add(new SyncRun { ConnectionId = connection.Id, Status = SyncStatus.Running, Trigger = "schedule", StartedUtc = startedUtc });
        await ctx.SaveChangesAsync(Ct);
        return connection.Id;
    }
}
