using System.Text.Json;
using CommandCenter.Billing;
using CommandCenter.Clients;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Tests.Billing;

/// <summary>
/// The shared read model of the runs (<see cref="RunViews"/>) on a real migrated SQLite database: many readers of one
/// version read the run once; a change on one client replaces that client's invoice only; what it serves is what a
/// read of the database returns; and it never serves one tenant's run to another. The clock is 15 November 2026.
/// </summary>
public sealed class RunViewsTests
{
    private static readonly BillingPeriod November = new(new DateOnly(2026, 11, 1));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FindAsync_TwentyPagesReadTheSameVersion_TheRunIsReadOnceAndShared()
    {
        await using var f = await RunFixture.CreateAsync(onFile: true);
        await f.Runs.OpenAsync(November, Ct); // computed and handed over by the engine
        var views = f.Engine.Views;
        await AdjustWithoutHandingOverAsync(f); // a change the shared view does not hold yet
        var reads = views.Reads;

        var read = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => f.Runs.FindAsync(November, Ct)));

        (views.Reads - reads).ShouldBe(1);
        read.ShouldAllBe(v => ReferenceEquals(v, read[0]));
        read[0]!.Invoices.Single(i => i.ClientId == f.Beacon).Total.ShouldBe(305.00m); // the change is shown
    }

    [Fact]
    public async Task LandedSync_OnOneClient_ReplacesThatClientsInvoiceOnlyWithoutReadingTheRun()
    {
        await using var f = await RunFixture.CreateAsync(onFile: true);
        var before = await f.Runs.OpenAsync(November, Ct);
        var reads = f.Engine.Views.Reads;
        await f.SnapshotAsync("acme", 12);

        // What BillingLiveUpdates does when a sync of Acme's connection lands.
        await using (var db = f.Db.Open())
        {
            await f.Engine.RecomputeClientsAsync(db, November, [f.Acme], "sync", Ct);
        }

        var after = (await f.Runs.FindAsync(November, Ct))!;

        f.Engine.Views.Reads.ShouldBe(reads); // served from the change the engine handed over
        after.Version.ShouldBe(before.Version + 1);
        after.Invoices.Single(i => i.ClientId == f.Acme).Total.ShouldBe(540.00m); // 12 × $45
        after.Invoices.Single(i => i.ClientId == f.Beacon).ShouldBeSameAs(before.Invoices.Single(i => i.ClientId == f.Beacon)); // untouched
        after.Totals.Total.ShouldBe(760.00m); // 540.00 + 220.00
        Json(after).ShouldBe(Json(await ReadFromDatabaseAsync(f)));
    }

    [Fact]
    public async Task RefreshAsync_ComparedWithTheSharedView_WritesWhatAReadOfTheDatabaseReturns()
    {
        await using var f = await RunFixture.CreateAsync(onFile: true);
        var before = await f.Runs.OpenAsync(November, Ct);
        (await f.Runs.ApproveAsync(November, [before.Invoices.Single(i => i.ClientId == f.Beacon).Id], Ct)).Approved.ShouldBe(1);
        await f.Runs.FindAsync(November, Ct); // the shared view is now the approved version
        await f.SnapshotAsync("acme", 12);
        await f.SnapshotAsync("beacon", 5);
        var reads = f.Engine.Views.Reads;

        var refreshed = await f.Runs.RefreshAsync(November, syncFirst: false, Ct);

        f.Engine.Views.Reads.ShouldBe(reads);
        refreshed.Invoices.Single(i => i.ClientId == f.Acme).Total.ShouldBe(540.00m); // draft: 12 × $45
        var beacon = refreshed.Invoices.Single(i => i.ClientId == f.Beacon);
        beacon.Total.ShouldBe(220.00m); // approved: keeps what it bills
        beacon.NewerCountsAvailable.ShouldBeTrue();
        Json(refreshed).ShouldBe(Json(await ReadFromDatabaseAsync(f)));
        Json((await f.Runs.FindAsync(November, Ct))!).ShouldBe(Json(refreshed));
    }

    [Fact]
    public async Task FindAsync_ApprovalMadeElsewhere_ReadsTheNewVersion()
    {
        await using var f = await RunFixture.CreateAsync(onFile: true);
        var opened = await f.Runs.OpenAsync(November, Ct);

        (await f.Runs.ApproveAsync(November, [opened.Invoices.Single(i => i.ClientId == f.Acme).Id], Ct)).Approved.ShouldBe(1);
        var after = (await f.Runs.FindAsync(November, Ct))!;

        after.Version.ShouldBe(opened.Version + 1);
        after.Invoices.Single(i => i.ClientId == f.Acme).Status.ShouldBe(InvoiceStatus.Approved);
        Json(after).ShouldBe(Json(await ReadFromDatabaseAsync(f)));
    }

    [Fact]
    public async Task FindAsync_TwoTenantsSameMonth_EachSeesOnlyItsOwnRun()
    {
        await using var f = await RunFixture.CreateAsync(onFile: true);
        var mine = await f.Runs.OpenAsync(November, Ct);
        var other = await f.Db.AddTenantAsync("Other MSP");
        var otherDb = f.Db.TenantDb(other, "owner@other.local");
        var item = await new SaveCatalogItem.Handler(otherDb, f.Db.Audit, f.Db.Time).CreateAsync(new SaveCatalogItem.Request("Backup", 30m, 10m), Ct);
        var client = await new SaveClient.Handler(otherDb, f.Db.Audit, f.Db.Time).CreateAsync(new SaveClient.Request("Other Client"), Ct);
        await new SaveLine.Handler(otherDb, f.Db.Audit, f.Db.Time).AddAsync(client, new SaveLine.Request(item, 2, EffectiveFrom: new DateOnly(2026, 1, 1)), Ct);
        // The other tenant's pages share the same read model as this tenant's.
        var otherRuns = new BillingRuns.Handler(otherDb, f.Engine, f.Refreshes);

        var theirs = await otherRuns.OpenAsync(November, Ct);
        var mineAgain = await f.Runs.FindAsync(November, Ct);
        var theirsAgain = await otherRuns.FindAsync(November, Ct);

        theirs.RunId.ShouldNotBe(mine.RunId);
        theirsAgain!.RunId.ShouldBe(theirs.RunId);
        theirsAgain.Invoices.Select(i => i.ClientName).ShouldBe(["Other Client"]);
        theirsAgain.Totals.Total.ShouldBe(60.00m); // 2 × $30
        mineAgain!.RunId.ShouldBe(mine.RunId);
        mineAgain.Invoices.Select(i => i.ClientName).ShouldBe(["Acme Dental", "Beacon Law"]);
        f.Engine.Views.Peek(f.Db.TenantId, November)!.RunId.ShouldBe(mine.RunId);
        f.Engine.Views.Peek(other, November)!.RunId.ShouldBe(theirs.RunId);
    }

    /// <summary>Beacon's firewall adjusted to 2 through a second engine, whose changes this fixture's shared view does not receive (as on another instance).</summary>
    private static async Task AdjustWithoutHandingOverAsync(RunFixture f)
    {
        var elsewhere = new BillingRuns.Engine(new BillingEvents(), f.Locks, f.Db.Audit, f.Db.Time, null!, f.Db.Factory,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<BillingRuns.Engine>.Instance);
        var runs = new BillingRuns.Handler(f.Db.TenantDb(), elsewhere);
        var beacon = (await runs.FindAsync(November, Ct))!.Invoices.Single(i => i.ClientId == f.Beacon);
        (await runs.AdjustAsync(November, beacon.Id, new BillingRuns.AdjustRequest(f.BeaconFirewallKey, "Second firewall", Quantity: 2), Ct)).Total.ShouldBe(305.00m);
    }

    private static async Task<RunView> ReadFromDatabaseAsync(RunFixture f)
    {
        await using var db = f.Db.Open();
        var run = await db.BillingRuns.AsNoTracking().SingleAsync(r => r.Period == November.Start, Ct);
        return BillingRuns.Engine.View(run, November, await db.Invoices.AsNoTracking().Where(i => i.RunId == run.Id).ToListAsync(Ct));
    }

    /// <summary>Everything the page and the API show, every field of every line; amounts by value (a stored decimal loses trailing zeros on SQLite).</summary>
    private static string Json(RunView view) =>
        JsonSerializer.Serialize(new { view.RunId, view.Status, view.Version, view.RefreshedUtc, view.Totals, view.Invoices }, ByValue);

    private static readonly JsonSerializerOptions ByValue = new() { Converters = { new DecimalByValue() } };

    private sealed class DecimalByValue : System.Text.Json.Serialization.JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(value / 1.0000000000000000000000000000m);
    }
}
