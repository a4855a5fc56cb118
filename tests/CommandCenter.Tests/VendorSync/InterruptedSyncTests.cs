using CommandCenter.Tests.Support;
using CommandCenter.VendorSync;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Tests.VendorSync;

/// <summary>
/// Syncs left "running" by a process that died: one instance marks them all at start-up; with several instances
/// (clustered) only those running too long to belong to a live instance — another instance's sync is left alone.
/// </summary>
public sealed class InterruptedSyncTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MarkInterruptedAsync_Clustered_MarksOnlySyncsRunningLongerThanALiveOneCould()
    {
        await using var db = await TestDatabase.CreateAsync();
        var now = db.Time.GetUtcNow().UtcDateTime;
        var (dead, live) = (await RunningAsync(db, "Dead instance's", now.AddMinutes(-40)), await RunningAsync(db, "Live instance's", now.AddMinutes(-2)));
        var bootstrapper = new SyncBootstrapper(null!, null!, db.Factory, null!, db.Time, NullLogger<SyncBootstrapper>.Instance);

        var clustered = await bootstrapper.MarkInterruptedAsync(SyncBootstrapper.ClusteredRunningLimit, Ct);

        clustered.ShouldBe(1);
        await using (var ctx = db.Open())
        {
            (await ctx.VendorConnections.SingleAsync(c => c.Id == dead, Ct)).LastStatus.ShouldBe(SyncStatus.Failed);
            (await ctx.SyncRuns.SingleAsync(r => r.ConnectionId == dead, Ct)).Error.ShouldBe("Interrupted by a restart.");
            (await ctx.VendorConnections.SingleAsync(c => c.Id == live, Ct)).LastStatus.ShouldBe(SyncStatus.Running);
            (await ctx.SyncRuns.SingleAsync(r => r.ConnectionId == live, Ct)).Status.ShouldBe(SyncStatus.Running);
        }

        (await bootstrapper.MarkInterruptedAsync(TimeSpan.Zero, Ct)).ShouldBe(1); // one instance: everything running died with it
        await using var after = db.Open();
        (await after.SyncRuns.SingleAsync(r => r.ConnectionId == live, Ct)).Status.ShouldBe(SyncStatus.Failed);
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
