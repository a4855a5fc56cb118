using System.Diagnostics;
using System.Globalization;
using CommandCenter.Billing;
using CommandCenter.Common;
using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using CommandCenter.VendorSync;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static CommandCenter.Benchmarks.Measurement;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Measures the month-end billing run at scale: seeds (not timed) a tenant in a fresh SQLite file through the real EF
/// model (<see cref="BillingSeed"/>), then — in a child process, so the seeding's memory is not counted, with the app's
/// server GC — opens the current month through the real <see cref="BillingRuns.Handler"/> from a real DI container
/// (a: the first open in a fresh process, EF queries compiled and code jitted on the way), refreshes it unchanged (b)
/// and after a sync changed ~10 % of the snapshots (c), opens it again from scratch in the now warm process (a'), and
/// times the loader (e) and the engine (d) alone. Prints wall time, CPU time, GC allocations and the peak working set
/// of each step (the peak is reset between steps).
/// <code>
/// dotnet run -c Release --project tests/CommandCenter.Benchmarks -- billing --clients 5000 --lines 15 --time-entries 50000
/// dotnet run -c Release --project tests/CommandCenter.Benchmarks -- billing --db /tmp/bench-billing.db           # kept for the app
/// dotnet run -c Release --project tests/CommandCenter.Benchmarks -- billing --db /tmp/bench-billing.db --reuse   # measure it again
/// </code>
/// </summary>
internal static class BillingScenario
{
    public const double TargetSeconds = 5;
    public const long TargetBytes = 1L << 30;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new BillingSeedOptions(
            Clients: Int(args, "--clients", 5000),
            Lines: Int(args, "--lines", 15),
            TimeEntries: Int(args, "--time-entries", 50_000),
            History: Int(args, "--history", 1));
        return await SeedThenMeasureAsync(args, options, "billing", ["billing-measure", "--steps", Arg(args, "--steps", "abcwde")]);
    }

    /// <summary>
    /// Seeds a fresh SQLite file (unless <c>--reuse</c>: a file kept with <c>--db</c>), then runs the measuring verb
    /// <paramref name="child"/>[0] (with <c>--db path</c> and the rest of <paramref name="child"/>) in its own process:
    /// a fresh heap and working set, no cached data, the GC picked with <c>--gc server|workstation</c> (server, as the app).
    /// The file is deleted afterwards unless it was named with <c>--db</c> or <c>--keep</c> is given.
    /// </summary>
    internal static async Task<int> SeedThenMeasureAsync(string[] args, BillingSeedOptions options, string name, IReadOnlyList<string> child)
    {
        var dbArg = Arg(args, "--db", "");
        var keep = args.Contains("--keep") || dbArg.Length > 0;
        var gc = Arg(args, "--gc", "server");
        var path = dbArg.Length > 0 ? Path.GetFullPath(dbArg) : Path.Combine(Path.GetTempPath(), $"cc-{name}-bench-{Guid.NewGuid():N}.db");
        var reuse = args.Contains("--reuse");
        if (reuse && !File.Exists(path))
        {
            Console.Error.WriteLine($"--reuse needs an existing database kept by an earlier run (--db {path}).");
            return 2;
        }

        if (File.Exists(path) && !reuse)
        {
            Console.Error.WriteLine($"{path} exists; the benchmark seeds a fresh database (delete the file, with its -wal and -shm, first).");
            return 2;
        }

        try
        {
            if (!reuse)
            {
                await SeedAsync(path, options);
            }

            // The measured part runs in its own process: a fresh heap and working set, no cached data.
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CommandCenter.Benchmarks.dll"));
            start.ArgumentList.Add(child[0]);
            start.ArgumentList.Add("--db");
            start.ArgumentList.Add(path);
            foreach (var a in child.Skip(1))
            {
                start.ArgumentList.Add(a);
            }

            start.Environment["DOTNET_gcServer"] = gc == "server" ? "1" : "0";
            using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the measuring process.");
            await process.WaitForExitAsync();
            if (keep)
            {
                Console.WriteLine();
                Console.WriteLine($"Kept {path}. Sign in as {BillingSeed.OwnerEmail} / {BillingSeed.OwnerPassword}; see README \"Measured\" for starting the app on it.");
            }

            return process.ExitCode;
        }
        finally
        {
            if (!keep)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                {
                    File.Delete(file);
                }
            }
        }
    }

    internal static async Task SeedAsync(string path, BillingSeedOptions options)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Seeding {options.Clients:N0} clients × {options.Lines} lines, {options.TimeEntries:N0} time entries, {options.History} older snapshot generation(s) into {path} …"));
        var watch = Stopwatch.StartNew();
        BillingSeedResult seeded;
        using (var host = BuildHost(path, tenantId: null, identity: true))
        {
            await host.Services.GetRequiredService<DatabaseInitializer>().MigrateAsync();
            seeded = await BillingSeed.WriteAsync(host.Services, host.Services.GetRequiredService<IDbContextFactory<AppDbContext>>(), options, TimeProvider.System, Console.WriteLine);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Seeded in {watch.Elapsed.TotalSeconds:F1} s: {seeded.Lines:N0} recurring lines, {seeded.Organizations:N0} mapped organisations, {seeded.Snapshots:N0} snapshots ({seeded.Assets:N0} evidence items), {seeded.Tickets:N0} tickets, {seeded.TimeEntries:N0} time entries, {seeded.Blocks:N0} blocks, {seeded.Charges:N0} charges, {seeded.PostedInvoices:N0} invoices posted last month; file {new FileInfo(path).Length / 1024.0 / 1024.0:N0} MB"));
    }

    /// <summary>The measured part (child process): every step on fresh contexts from a real container.</summary>
    public static async Task<int> MeasureAsync(string[] args)
    {
        var path = Arg(args, "--db", "");
        // --steps picks steps (e.g. "e" to time the loader alone while profiling); all by default.
        var only = Arg(args, "--steps", "abcwde");
        var tenantId = await FindTenantAsync(path);
        using var host = BuildHost(path, tenantId, identity: false);
        var services = host.Services;
        var factory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var time = services.GetRequiredService<TimeProvider>();
        var period = BillingPeriod.Of(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        int clients;
        await using (var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark"))
        {
            // The app builds its EF model at start-up, before any page opens: so does this process, untimed.
            clients = await db.Clients.CountAsync();
            if (only.Contains('a'))
            {
                // A database kept from an earlier run already has this month's run: (a) measures creating it.
                await db.BillingRuns.Where(r => r.Period == period.Start).ExecuteDeleteAsync();
            }
        }

        var steps = new List<Step>();
        var changes = new List<BillingChange>();
        services.GetRequiredService<BillingEvents>().Changed += changes.Add;
        if (only.Contains('a'))
        {
            steps.Add(await MeasureStepAsync("(a) OpenAsync: create + compute + write the run", async () =>
            {
                await using var scope = services.CreateAsyncScope();
                var view = await scope.ServiceProvider.GetRequiredService<BillingRuns.Handler>().OpenAsync(period);
                return string.Create(CultureInfo.InvariantCulture, $"{view.Totals.Invoices:N0} invoices, {view.Invoices.Sum(i => i.Lines.Count):N0} lines, {view.Totals.Changed:N0} changed, {view.Totals.Flagged:N0} flagged, total {Money.Text(view.Totals.Total)}");
            }));
        }

        if (only.Contains('b'))
        {
            changes.Clear();
            steps.Add(await MeasureStepAsync("(b) RefreshAsync, nothing changed", async () =>
            {
                await using var scope = services.CreateAsyncScope();
                var refreshed = await scope.ServiceProvider.GetRequiredService<BillingRuns.Handler>().RefreshAsync(period, syncFirst: false);
                return string.Create(CultureInfo.InvariantCulture, $"{changes.Sum(c => c.ClientIds.Count):N0} invoices rewritten ({refreshed.Totals.Invoices:N0} invoices)");
            }));
        }

        if (only.Contains('c'))
        {
            var written = await BillingSeed.ChangeSnapshotsAsync(factory, tenantId, share: 0.10, time.GetUtcNow().UtcDateTime, seed: 42);
            changes.Clear();
            steps.Add(await MeasureStepAsync("(c) RefreshAsync after ~10 % of snapshots changed", async () =>
            {
                await using var scope = services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<BillingRuns.Handler>().RefreshAsync(period, syncFirst: false);
                return string.Create(CultureInfo.InvariantCulture, $"{written:N0} new snapshots; {changes.Sum(c => c.ClientIds.Count):N0} invoices rewritten");
            }));
        }

        if (only.Contains('w'))
        {
            await using (var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark"))
            {
                await db.BillingRuns.Where(r => r.Period == period.Start).ExecuteDeleteAsync();
            }

            steps.Add(await MeasureStepAsync("(a') OpenAsync again, warm process (run deleted first)", async () =>
            {
                await using var scope = services.CreateAsyncScope();
                var view = await scope.ServiceProvider.GetRequiredService<BillingRuns.Handler>().OpenAsync(period);
                return string.Create(CultureInfo.InvariantCulture, $"{view.Totals.Invoices:N0} invoices, {view.Totals.Changed:N0} changed, {view.Totals.Flagged:N0} flagged");
            }));
        }

        Guid? runId;
        await using (var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark"))
        {
            runId = await db.BillingRuns.Where(r => r.Period == period.Start).Select(r => (Guid?)r.Id).SingleOrDefaultAsync();
        }

        LoadedInputs? inputs = null;
        if (only.Contains('e') || only.Contains('d'))
        {
            steps.Add(await MeasureStepAsync("(e) BillingInputs.LoadAsync alone", async () =>
            {
                await using var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark");
                inputs = await BillingInputs.LoadAsync(db, period, runId, null, CancellationToken.None);
                return string.Create(CultureInfo.InvariantCulture,
                    $"{inputs.Clients.Count:N0} clients, {inputs.Clients.Sum(c => c.Lines.Count):N0} lines, {inputs.Clients.Sum(c => c.Tickets.Sum(t => t.Entries.Count)):N0} entries in the period");
            }));
        }

        if (only.Contains('d'))
        {
            steps.Add(await MeasureStepAsync("(d) BillingEngine.Build alone (inputs preloaded)", () =>
            {
                var drafts = BillingEngine.Build(period, inputs!.Clients, inputs.Settings, inputs.TimeItem, inputs.BlockItem, time.GetUtcNow().UtcDateTime);
                return Task.FromResult(string.Create(CultureInfo.InvariantCulture, $"{drafts.Count:N0} drafts, {drafts.Sum(d => d.Lines.Count):N0} lines"));
            }));
        }

        inputs = null;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Billing run of {period} for {clients:N0} clients — {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, SQLite; load average {LoadAverage()}"));
        Console.WriteLine();
        Console.WriteLine("| step | time | CPU | allocated | peak working set | result |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var s in steps)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {s.Name} | {s.Elapsed.TotalSeconds:F2} s | {s.Cpu.TotalSeconds:F2} s | {Mb(s.Allocated):N0} MB | {Mb(s.PeakWorkingSet):N0} MB | {s.Result} |"));
        }

        // The target is about building the run: open, refresh unchanged, refresh after a sync.
        var build = steps.Where(s => s.Name.StartsWith("(a", StringComparison.Ordinal) || s.Name.StartsWith("(b)", StringComparison.Ordinal) || s.Name.StartsWith("(c)", StringComparison.Ordinal)).ToList();
        if (build.Count == 0)
        {
            return 0;
        }

        var peak = build.Max(s => s.PeakWorkingSet);
        var met = build.All(s => s.Elapsed.TotalSeconds < TargetSeconds) && peak < TargetBytes;
        static string Mark(bool ok) => ok ? "met" : "MISSED";
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Verdict (< {TargetSeconds:F0} s and < 1 GB): {string.Join("; ", build.Select(s => $"{s.Name[..s.Name.IndexOf(')', StringComparison.Ordinal)]}) {s.Elapsed.TotalSeconds:F1} s {Mark(s.Elapsed.TotalSeconds < TargetSeconds)}"))}; peak working set {Mb(peak):N0} MB {Mark(peak < TargetBytes)}."));
        return met ? 0 : 1;
    }

    /// <summary>The seeded tenant of a database file.</summary>
    internal static async Task<Guid> FindTenantAsync(string path)
    {
        using var lookup = BuildHost(path, tenantId: null, identity: false);
        await using var db = await lookup.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Tenants.Where(t => t.Name == BillingSeed.TenantName).Select(t => t.Id).SingleAsync();
    }

    /// <summary>
    /// The app's services for one tenant, as the modules register them (no hosted service is started);
    /// <paramref name="configure"/> adds more modules (the posting scenario: accounting).
    /// </summary>
    internal static IHost BuildHost(string path, Guid? tenantId, bool identity, Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["Database:Provider"] = "Sqlite";
        builder.Configuration["Database:ConnectionString"] = $"Data Source={path}";
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddPersistence();
        builder.AddVendorSync();
        builder.AddBilling();
        if (tenantId is { } id)
        {
            builder.Services.AddSingleton<ITenantContext>(new FixedTenantContext(new TenantScope(id, "benchmark", Roles.Owner)));
        }

        if (identity)
        {
            builder.Services.AddIdentityCore<AppUser>().AddRoles<IdentityRole>().AddEntityFrameworkStores<AppDbContext>();
        }

        configure?.Invoke(builder);
        return builder.Build();
    }
}
