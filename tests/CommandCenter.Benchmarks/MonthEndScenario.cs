using System.Globalization;
using CommandCenter.Accounting;
using CommandCenter.Billing;
using CommandCenter.Common;
using CommandCenter.Demo;
using CommandCenter.Persistence;
using CommandCenter.VendorSync;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CommandCenter.Benchmarks.Measurement;

namespace CommandCenter.Benchmarks;

/// <summary>
/// The whole month end at a size, end to end: generates a tenant of N clients (the billing scenario's seed, not timed),
/// then in a child process (fresh heap, the app's server GC) that also hosts the vendor and Conductor simulators on
/// Kestrel loopback (a scaled world generated from the same clients): (1) syncs all five vendor connections over real
/// HTTP and confirms the name matches, (2) opens the month (create + compute + write the run), (3) refreshes it,
/// (4) builds the preview alone (<see cref="BillingInputs.LoadAsync"/> + <see cref="BillingEngine.Build"/>) and
/// (5) merely reads the same rows (<see cref="FloorRead"/>), (6) accepts the flagged lines and approves every invoice,
/// (7) connects the accounting target, imports and maps, (8) posts all and (9) drains the queue to the simulator —
/// and verifies one document per invoice. Prints a table (time, CPU, allocations, peak memory, cost per client) and,
/// last, <c>floor-ratio: X</c> = preview build time ÷ floor time (each the best of three, alternated).
/// <code>
/// dotnet run -c Release --project tests/CommandCenter.Benchmarks -- scenario --clients 500
/// </code>
/// </summary>
internal static class MonthEndScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clients = Int(args, "--clients", 500);
        var options = new BillingSeedOptions(
            Clients: clients,
            Lines: Int(args, "--lines", 15),
            TimeEntries: Int(args, "--time-entries", clients * 10),
            History: 0);
        return await BillingScenario.SeedThenMeasureAsync(args, options, "scenario",
            ["scenario-measure", "--devices", Arg(args, "--devices", "30"), "--seed", options.Seed.ToString(CultureInfo.InvariantCulture),
                .. args.Contains("--preview-only") ? new[] { "--preview-only" } : []]);
    }

    /// <summary>The measured part (child process).</summary>
    public static async Task<int> MeasureAsync(string[] args)
    {
        var path = Arg(args, "--db", "");
        var devices = Int(args, "--devices", 30);
        var seed = Int(args, "--seed", new BillingSeedOptions(0, 0, 0, 0).Seed);
        var tenantId = await BillingScenario.FindTenantAsync(path);
        using var host = BillingScenario.BuildHost(path, tenantId, identity: false, builder => builder.AddAccounting());
        var services = host.Services;
        var factory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var time = services.GetRequiredService<TimeProvider>();
        var period = BillingPeriod.Of(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));

        int clients;
        List<Guid> connectionIds;
        await using (var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark"))
        {
            clients = await db.Clients.CountAsync();
            connectionIds = await db.VendorConnections.Select(c => c.Id).ToListAsync();
        }

        await using var simulator = await PostingScenario.StartSimulatorAsync(clients, seed, latencyMs: 0, devices);
        await PostingScenario.ResetAsync(factory, tenantId, period);
        await PointAtSimulatorsAsync(factory, tenantId, simulator.Address);

        var steps = new List<Step>();
        steps.Add(await MeasureStepAsync("(1) sync 5 vendors over HTTP + confirm name matches", async () =>
        {
            int organizations = 0, items = 0;
            foreach (var id in connectionIds)
            {
                await using var scope = services.CreateAsyncScope();
                var outcome = await scope.ServiceProvider.GetRequiredService<SyncConnection.Handler>().RunAsync(tenantId, id, "benchmark");
                if (outcome.Status != SyncStatus.Succeeded)
                {
                    throw new InvalidOperationException($"Sync failed: {outcome.Error}");
                }

                organizations += outcome.Organizations;
                items += outcome.Items;
            }

            await using var mapScope = services.CreateAsyncScope();
            var mapped = await mapScope.ServiceProvider.GetRequiredService<Mappings.Handler>().AcceptSuggestionsAsync(null, DemoAutoMapper.MinimumScore);
            return string.Create(CultureInfo.InvariantCulture, $"{organizations:N0} organisations, {items:N0} items; {mapped:N0} mapped by name");
        }));

        async Task<RunView> Runs(Func<BillingRuns.Handler, Task<RunView>> action)
        {
            await using var scope = services.CreateAsyncScope();
            return await action(scope.ServiceProvider.GetRequiredService<BillingRuns.Handler>());
        }

        steps.Add(await MeasureStepAsync("(2) open the month: create + compute + write the run", async () =>
        {
            var view = await Runs(h => h.OpenAsync(period));
            return string.Create(CultureInfo.InvariantCulture, $"{view.Totals.Invoices:N0} invoices, {view.Invoices.Sum(i => i.Lines.Count):N0} lines, {view.Totals.Changed:N0} changed, {view.Totals.Flagged:N0} flagged, total {Money.Text(view.Totals.Total)}");
        }));

        steps.Add(await MeasureStepAsync("(3) refresh (nothing changed since)", async () =>
        {
            var view = await Runs(h => h.RefreshAsync(period, syncFirst: false));
            return string.Create(CultureInfo.InvariantCulture, $"{view.Totals.Invoices:N0} invoices");
        }));

        Guid? runId;
        await using (var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark"))
        {
            runId = await db.BillingRuns.Where(r => r.Period == period.Start).Select(r => (Guid?)r.Id).SingleOrDefaultAsync();
        }

        // The ratio compares two short steps: each runs three times, alternated, and the best of each counts.
        var previews = new List<Step>();
        var floors = new List<Step>();
        for (var round = 1; round <= 3; round++)
        {
            previews.Add(await MeasureStepAsync($"(4) preview build: LoadAsync + Build, run {round}", async () =>
            {
                await using var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark");
                var inputs = await BillingInputs.LoadAsync(db, period, runId, null, CancellationToken.None);
                var drafts = BillingEngine.Build(period, inputs.Clients, inputs.Settings, inputs.TimeItem, inputs.BlockItem, time.GetUtcNow().UtcDateTime);
                return string.Create(CultureInfo.InvariantCulture, $"{drafts.Count:N0} drafts, {drafts.Sum(d => d.Lines.Count):N0} lines");
            }));
            floors.Add(await MeasureStepAsync($"(5) floor: read the same rows, run {round}", async () =>
            {
                await using var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark");
                var (rows, chars) = await FloorRead.ReadAsync(db, period, runId);
                return string.Create(CultureInfo.InvariantCulture, $"{rows:N0} rows, {chars / 1024.0 / 1024.0:N0} MB of evidence JSON");
            }));
        }

        var preview = previews.MinBy(s => s.Elapsed)!;
        var floor = floors.MinBy(s => s.Elapsed)!;
        steps.Add(preview with { Name = "(4) preview build: LoadAsync + Build (best of 3)" });
        steps.Add(floor with { Name = "(5) floor: the same queries, rows only (best of 3)" });
        var previewOnly = args.Contains("--preview-only");
        if (previewOnly)
        {
            // Sync, open, refresh, preview and floor only: the review of every flagged line (one adjustment each) is what
            // makes 5,000 clients take long, and the floor ratio does not depend on it.
            PrintTable(steps, clients, devices, period);
            PrintFloor(previews, floors, preview, floor);
            return 0;
        }

        steps.Add(await MeasureStepAsync("(6) review: accept each flagged line, approve all", async () =>
        {
            await PostingScenario.ApproveEverythingAsync(services, period);
            return "every invoice approved";
        }));

        steps.Add(await MeasureStepAsync("(7) accounting: connect, import, map by name", async () =>
        {
            await PostingScenario.ConnectAndMapAsync(services, factory, tenantId, simulator);
            return "mapped";
        }));

        PostResult posted = null!;
        steps.Add(await MeasureStepAsync("(8) post all: number, freeze, queue", async () =>
        {
            await using var scope = services.CreateAsyncScope();
            posted = await scope.ServiceProvider.GetRequiredService<Postings.Handler>().PostAllAsync(period);
            return string.Create(CultureInfo.InvariantCulture, $"{posted.Queued:N0} documents queued, {posted.Blocked.Count:N0} held back");
        }));

        steps.Add(await MeasureStepAsync("(9) worker: post every document over HTTP to Conductor", async () =>
        {
            var (rounds, active) = await PostingScenario.DrainAsync(services, factory, tenantId);
            return string.Create(CultureInfo.InvariantCulture, $"{rounds} round(s), {active} still active");
        }));

        var (problems, verified) = await PostingScenario.VerifyAsync(services, factory, tenantId, period, simulator, posted.Queued);

        var measured = steps.Where(s => !s.Name.StartsWith("(5)", StringComparison.Ordinal)).ToList();
        var total = new Step("total, steps 1–4 and 6–9", TimeSpan.FromTicks(measured.Sum(s => s.Elapsed.Ticks)), TimeSpan.FromTicks(measured.Sum(s => s.Cpu.Ticks)),
            measured.Sum(s => s.Allocated), measured.Max(s => s.PeakWorkingSet), measured.Max(s => s.PeakHeap), "");
        PrintTable([.. steps, total], clients, devices, period);
        Console.WriteLine();
        Console.WriteLine(problems.Count == 0 ? verified : "FAILED: " + string.Join("; ", problems) + ".");
        PrintFloor(previews, floors, preview, floor);
        return problems.Count == 0 ? 0 : 1;
    }

    private static void PrintTable(IEnumerable<Step> steps, int clients, int devices, BillingPeriod period)
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Month end of {period} for {clients:N0} clients ({devices} devices per organisation in the simulators) — {Environment.ProcessorCount} cores, {memory / 1024.0 / 1024.0 / 1024.0:F0} GiB, .NET {Environment.Version}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, SQLite; load average {LoadAverage()}"));
        Console.WriteLine();
        Console.WriteLine("| step | time | CPU | allocated | peak working set | peak GC heap | time per client | allocated per client | result |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var s in steps)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {s.Name} | {s.Elapsed.TotalSeconds:F2} s | {s.Cpu.TotalSeconds:F2} s | {Mb(s.Allocated):N0} MB | {Mb(s.PeakWorkingSet):N0} MB | {Mb(s.PeakHeap):N0} MB | {s.Elapsed.TotalMilliseconds / clients:F2} ms | {s.Allocated / 1024.0 / clients:N0} KB | {s.Result} |"));
        }
    }

    private static void PrintFloor(List<Step> previews, List<Step> floors, Step preview, Step floor)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"preview {preview.Elapsed.TotalSeconds:F3} s (runs {string.Join(", ", previews.Select(p => p.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)))}), floor {floor.Elapsed.TotalSeconds:F3} s (runs {string.Join(", ", floors.Select(p => p.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)))})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"floor-ratio: {preview.Elapsed / floor.Elapsed:F2}"));
    }

    /// <summary>
    /// The seeded tenant's connections point at the simulators (the demo's URL layout, no rate limit), and its seeded
    /// organisations and snapshots go: the sync brings the scaled world's own, to be mapped by name.
    /// </summary>
    private static async Task PointAtSimulatorsAsync(IDbContextFactory<AppDbContext> factory, Guid tenantId, string address)
    {
        await using var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark");
        await db.CountSnapshots.ExecuteDeleteAsync();
        await db.VendorOrganizations.ExecuteDeleteAsync();
        foreach (var connection in await db.VendorConnections.ToListAsync())
        {
            (connection.BaseUrl, connection.TokenUrl) = DemoVendors.Urls(connection.Kind, address);
            connection.RequestsPerMinute = 0;
            connection.MaxRetries = 0;
            connection.TimeoutSeconds = 300;
            connection.SettingsVersion++;
        }

        await db.SaveChangesAsync();
    }
}
