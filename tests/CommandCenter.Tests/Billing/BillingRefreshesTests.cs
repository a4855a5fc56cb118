using CommandCenter.Billing;

namespace CommandCenter.Tests.Billing;

/// <summary>
/// Refreshes of one month are coalesced: many clicks while one runs run the engine once and all get its result; callers
/// that need counts read after their request share one following refresh; tenants never share a refresh. Real SQLite
/// through the handler where the engine runs; the coordination itself with refreshes the test holds open.
/// The clock is 15 November 2026.
/// </summary>
public sealed class BillingRefreshesTests
{
    private static readonly BillingPeriod November = new(new DateOnly(2026, 11, 1));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RefreshAsync_TwentyClicksWhileOneRuns_RunsTheEngineOnceAndEveryCallerGetsItsResult()
    {
        await using var f = await RunFixture.CreateAsync(onFile: true);
        var opened = await f.Runs.OpenAsync(November, Ct);
        await f.SnapshotAsync("acme", 12); // a sync landed: the refresh re-binds Acme to 12 workstations
        var refreshes = new List<BillingChange>();
        f.Events.Changed += c => { if (c.Why == "refresh") { lock (refreshes) { refreshes.Add(c); } } };

        List<Task<RunView>> clicks;
        // The tenant's billing lock is held (as by a landed sync's recompute), so the first refresh is still running
        // when the other nineteen clicks arrive.
        using (await f.Locks.AcquireAsync(f.Db.TenantId, Ct))
        {
            clicks = [.. Enumerable.Range(0, 20).Select(_ => f.Runs.RefreshAsync(November, syncFirst: false, Ct, joinRunning: true))];
            f.Refreshes.Runs.ShouldBe(1);
            clicks.ShouldAllBe(c => !c.IsCompleted);
        }

        var views = await Task.WhenAll(clicks);

        refreshes.Count.ShouldBe(1); // the engine rebuilt the month once
        views.Select(v => v.Version).Distinct().ShouldHaveSingleItem().ShouldBeGreaterThan(opened.Version);
        views.ShouldAllBe(v => ReferenceEquals(v, views[0])); // one result, handed to every caller
        views[0].Invoices.Single(i => i.ClientId == f.Acme).Total.ShouldBe(540.00m); // 12 × $45
        (await f.Runs.FindAsync(November, Ct))!.Version.ShouldBe(views[0].Version);
    }

    [Fact]
    public async Task RefreshAsync_ApiCallsWhileOneRuns_ShareOneRefreshThatReadsAfterThem()
    {
        await using var f = await RunFixture.CreateAsync(onFile: true);
        await f.Runs.OpenAsync(November, Ct);
        var refreshes = 0;
        f.Events.Changed += c => { if (c.Why == "refresh") { Interlocked.Increment(ref refreshes); } };

        Task<RunView> first;
        List<Task<RunView>> later;
        using (await f.Locks.AcquireAsync(f.Db.TenantId, Ct))
        {
            first = f.Runs.RefreshAsync(November, syncFirst: false, Ct);
            // Counts written after the first refresh started: callers that must see them do not take its result.
            await f.SnapshotAsync("acme", 12);
            later = [.. Enumerable.Range(0, 5).Select(_ => f.Runs.RefreshAsync(November, syncFirst: false, Ct))];
        }

        var before = await first;
        var after = await Task.WhenAll(later);

        refreshes.ShouldBe(2); // not six
        after.Select(v => v.Version).Distinct().ShouldHaveSingleItem().ShouldBeGreaterThan(before.Version);
        after[0].Invoices.Single(i => i.ClientId == f.Acme).Total.ShouldBe(540.00m); // 12 × $45, written after the first refresh started
    }

    [Fact]
    public async Task RefreshAsync_TwoTenantsAtOnce_EachRunsItsOwnRefresh()
    {
        var refreshes = new BillingRefreshes();
        var tenantA = Guid.NewGuid();
        var tenantB = Guid.NewGuid();
        var gateA = new TaskCompletionSource<RunView>();
        var gateB = new TaskCompletionSource<RunView>();

        var a = refreshes.RefreshAsync(tenantA, November, false, joinRunning: true, () => gateA.Task, Ct);
        var b = refreshes.RefreshAsync(tenantB, November, false, joinRunning: true, () => gateB.Task, Ct);
        gateA.SetResult(View(1));
        gateB.SetResult(View(2));

        refreshes.Runs.ShouldBe(2);
        (await a).Version.ShouldBe(1);
        (await b).Version.ShouldBe(2);
    }

    [Fact]
    public async Task RefreshAsync_RefreshFails_EveryJoinedCallerGetsTheErrorAndTheNextClickRunsAgain()
    {
        var refreshes = new BillingRefreshes();
        var tenant = Guid.NewGuid();
        var gate = new TaskCompletionSource<RunView>();
        var calls = 0;
        Task<RunView> Work()
        {
            Interlocked.Increment(ref calls);
            return gate.Task;
        }

        var first = refreshes.RefreshAsync(tenant, November, false, joinRunning: true, Work, Ct);
        var second = refreshes.RefreshAsync(tenant, November, false, joinRunning: true, Work, Ct);
        gate.SetException(new InvalidOperationException("database gone"));

        (await Should.ThrowAsync<InvalidOperationException>(first)).Message.ShouldBe("database gone");
        (await Should.ThrowAsync<InvalidOperationException>(second)).Message.ShouldBe("database gone");
        calls.ShouldBe(1);
        (await refreshes.RefreshAsync(tenant, November, false, joinRunning: true, () => Task.FromResult(View(7)), Ct)).Version.ShouldBe(7);
    }

    [Fact]
    public async Task RefreshAsync_FirstCallerGivesUp_TheOthersStillGetTheResult()
    {
        var refreshes = new BillingRefreshes();
        var tenant = Guid.NewGuid();
        var gate = new TaskCompletionSource<RunView>();
        using var leaving = new CancellationTokenSource();

        var first = refreshes.RefreshAsync(tenant, November, false, joinRunning: true, () => gate.Task, leaving.Token);
        var second = refreshes.RefreshAsync(tenant, November, false, joinRunning: true, () => gate.Task, Ct);
        await leaving.CancelAsync(); // the first tab closed
        gate.SetResult(View(3));

        await Should.ThrowAsync<OperationCanceledException>(first);
        (await second).Version.ShouldBe(3);
    }

    private static RunView View(long version) =>
        new(Guid.NewGuid(), November, RunStatus.Open, version, new DateTime(2026, 11, 15, 12, 0, 0, DateTimeKind.Utc), new RunTotals(0, null, 0, 0, 0, 0, 0, 0), []);
}
