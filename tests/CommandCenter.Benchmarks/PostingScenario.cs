using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using CommandCenter.Accounting;
using CommandCenter.Billing;
using CommandCenter.Common;
using CommandCenter.Persistence;
using CommandCenter.Simulators;
using CommandCenter.Simulators.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static CommandCenter.Benchmarks.Measurement;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Measures posting a month to QuickBooks Desktop through Conductor at scale. Seeds (not timed) the billing scenario's
/// tenant (<see cref="BillingSeed"/>), then, in a child process (fresh heap, the app's server GC): starts the Conductor
/// simulator on Kestrel loopback in that process (a scaled world whose customers are the seeded clients by name), opens
/// and computes this month's run, accepts every flagged line and approves every invoice, creates the Conductor connection,
/// imports customers and items and maps them by exact name — all untimed — and then times, with the app's services from a
/// real DI container (the real keyed Conductor target, real HTTP): (p) <c>PlanAsync</c> (the confirm dialog), (q)
/// <c>PostAllAsync</c> (numbering, freezing and queueing every document in one transaction), (s) <c>StatusAsync</c> with
/// every document pending, (w) the worker draining the queue (<c>RunOnceAsync</c> until nothing is active), and (s')
/// <c>StatusAsync</c> / (p') <c>PlanAsync</c> on the posted, locked month. Fails unless the simulator then holds exactly
/// one document per queued invoice (distinct externalIds, the outbox's GUIDs) and the month is locked.
/// <code>
/// dotnet run -c Release --project tests/CommandCenter.Benchmarks -- posting --clients 2000 [--latency-ms 0]
/// dotnet run -c Release --project tests/CommandCenter.Benchmarks -- posting --clients 2000 --db /tmp/bench-posting.db           # kept
/// dotnet run -c Release --project tests/CommandCenter.Benchmarks -- posting --db /tmp/bench-posting.db --reuse                  # again
/// </code>
/// </summary>
internal static class PostingScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var clients = Int(args, "--clients", 2000);
        var options = new BillingSeedOptions(
            Clients: clients,
            Lines: Int(args, "--lines", 15),
            TimeEntries: Int(args, "--time-entries", clients * 10),
            History: Int(args, "--history", 1));
        return await BillingScenario.SeedThenMeasureAsync(args, options, "posting",
            ["posting-measure", "--latency-ms", Arg(args, "--latency-ms", "0"), "--seed", options.Seed.ToString(CultureInfo.InvariantCulture)]);
    }

    /// <summary>The measured part (child process).</summary>
    public static async Task<int> MeasureAsync(string[] args)
    {
        var path = Arg(args, "--db", "");
        var latencyMs = Int(args, "--latency-ms", 0);
        var seed = Int(args, "--seed", new BillingSeedOptions(0, 0, 0, 0).Seed);
        var tenantId = await BillingScenario.FindTenantAsync(path);
        var commands = new CommandCounter();
        using var host = BillingScenario.BuildHost(path, tenantId, identity: false, builder =>
        {
            builder.AddAccounting();
            builder.Services.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(commands));
            TimedTargets.Wrap(builder.Services, AccountingKind.Conductor);
        });
        var services = host.Services;
        var factory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var time = services.GetRequiredService<TimeProvider>();
        var period = BillingPeriod.Of(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));

        int clients;
        await using (var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark"))
        {
            clients = await db.Clients.CountAsync();
        }

        await using var simulator = await StartSimulatorAsync(clients, seed, latencyMs);
        var setup = Stopwatch.StartNew();
        await ResetAsync(factory, tenantId, period);
        await ApproveEverythingAsync(services, period);
        await ConnectAndMapAsync(services, factory, tenantId, simulator);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Set up (not timed) in {setup.Elapsed.TotalSeconds:F1} s."));

        var steps = new List<Step>();
        async Task<T> InScope<T>(Func<Postings.Handler, Task<T>> action)
        {
            await using var scope = services.CreateAsyncScope();
            return await action(scope.ServiceProvider.GetRequiredService<Postings.Handler>());
        }

        steps.Add(await MeasureStepAsync("(p) PlanAsync: what Post all would do (the confirm dialog)", async () =>
        {
            var plan = await InScope(h => h.PlanAsync(period));
            return string.Create(CultureInfo.InvariantCulture, $"{plan.Ready:N0} ready, {plan.CreditMemos:N0} credit memos, {plan.Blocked.Count:N0} held back, total {Money.Text(plan.Total)}");
        }));

        PostResult posted = null!;
        steps.Add(await MeasureStepAsync("(q) PostAllAsync: number, freeze and queue every document (one transaction)", async () =>
        {
            posted = await InScope(h => h.PostAllAsync(period));
            return string.Create(CultureInfo.InvariantCulture, $"{posted.Queued:N0} documents queued, {posted.Blocked.Count:N0} held back, total {Money.Text(posted.Total)}");
        }));

        steps.Add(await MeasureStepAsync("(s) StatusAsync, every document pending", async () =>
        {
            var status = (await InScope(h => h.StatusAsync(period)))!;
            return string.Create(CultureInfo.InvariantCulture, $"{status.Rows.Count:N0} rows, {status.Pending:N0} pending");
        }));

        // The worker, as the hosted service runs it (one tenant, one document at a time), timed until nothing is active.
        var timed = services.GetRequiredService<TimedTargets>();
        var rounds = 0;
        long commandsBefore = 0;
        steps.Add(await MeasureStepAsync("(w) PostingWorker: drain the queue over HTTP to the Conductor simulator", async () =>
        {
            commandsBefore = commands.Count;
            timed.Reset();
            (rounds, var active) = await DrainAsync(services, factory, tenantId);
            return string.Create(CultureInfo.InvariantCulture, $"{rounds} round(s), {active} still active");
        }));
        var drain = steps[^1];
        var perSecond = posted.Queued / drain.Elapsed.TotalSeconds;
        var sqlPerDocument = (commands.Count - commandsBefore) / (double)Math.Max(1, posted.Queued);

        steps.Add(await MeasureStepAsync("(s') StatusAsync, every document posted (month locked)", async () =>
        {
            var status = (await InScope(h => h.StatusAsync(period)))!;
            return string.Create(CultureInfo.InvariantCulture, $"{status.Rows.Count:N0} rows, {status.Posted:N0} posted, locked {status.Locked}, posted total {Money.Text(status.PostedTotal)}");
        }));

        steps.Add(await MeasureStepAsync("(p') PlanAsync on the locked month", async () =>
        {
            var plan = await InScope(h => h.PlanAsync(period));
            return plan.Problem ?? string.Create(CultureInfo.InvariantCulture, $"{plan.Ready:N0} ready");
        }));

        var (problems, verified) = await VerifyAsync(services, factory, tenantId, period, simulator, posted.Queued);

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Posting {period} for {clients:N0} clients to Conductor (QuickBooks Desktop simulator, in-process Kestrel loopback, {latencyMs} ms added per create) — {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, SQLite; load average {LoadAverage()}"));
        Console.WriteLine();
        Console.WriteLine("| step | time | CPU | allocated | peak working set | peak GC heap | result |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var s in steps)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {s.Name} | {s.Elapsed.TotalSeconds:F2} s | {s.Cpu.TotalSeconds:F2} s | {Mb(s.Allocated):N0} MB | {Mb(s.PeakWorkingSet):N0} MB | {Mb(s.PeakHeap):N0} MB | {s.Result} |"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Worker: {posted.Queued:N0} documents in {drain.Elapsed.TotalSeconds:F1} s = {perSecond:F1} documents/s ({drain.Elapsed.TotalMilliseconds / Math.Max(1, posted.Queued):F1} ms each); "
            + $"HTTP create (client side, through the resilience pipeline) {timed.PostTime.TotalSeconds:F1} s over {timed.Posts:N0} calls ({timed.PostTime.TotalMilliseconds / Math.Max(1, timed.Posts):F1} ms each), "
            + $"the rest (database, bookkeeping) {(drain.Elapsed - timed.PostTime).TotalSeconds:F1} s; {sqlPerDocument:F1} SQL commands per document; {timed.Finds:N0} read-backs."));
        Console.WriteLine(problems.Count == 0 ? verified : "FAILED: " + string.Join("; ", problems) + ".");
        return problems.Count == 0 ? 0 : 1;
    }

    /// <summary>The worker, as the hosted service runs it (one tenant, one document at a time), until nothing is active.</summary>
    internal static async Task<(int Rounds, int Active)> DrainAsync(IServiceProvider services, IDbContextFactory<AppDbContext> factory, Guid tenantId)
    {
        var worker = services.GetRequiredService<PostingWorker>();
        var rounds = 0;
        int active;
        do
        {
            await worker.RunOnceAsync(CancellationToken.None);
            rounds++;
            await using var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark");
            active = await db.InvoicePostings.CountAsync(p => p.State == PostingState.Pending || p.State == PostingState.Posting || p.State == PostingState.Uncertain);
        }
        while (active > 0 && rounds < 100);
        return (rounds, active);
    }

    /// <summary>
    /// Exactly one document in QuickBooks per queued invoice, each under its own externalId, the simulator's total equal
    /// to the posted total, and the month locked: the problems found (none when all holds) and the line saying so.
    /// </summary>
    internal static async Task<(List<string> Problems, string Verified)> VerifyAsync(IServiceProvider services, IDbContextFactory<AppDbContext> factory, Guid tenantId, BillingPeriod period, SimulatorHandle simulator, int queued)
    {
        var held = simulator.World.Conductor.Transactions;
        PostingStatus final;
        List<Guid> guids;
        await using (var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark"))
        {
            guids = await db.InvoicePostings.Where(p => p.Period == period.Start).Select(p => p.ExternalGuid).ToListAsync();
        }

        await using (var scope = services.CreateAsyncScope())
        {
            final = (await scope.ServiceProvider.GetRequiredService<Postings.Handler>().StatusAsync(period))!;
        }
        var externalIds = held.Select(t => t.ExternalId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var heldTotal = held.Sum(t => t.ObjectType == ConductorTransaction.CreditMemo ? -t.Subtotal : t.Subtotal);
        var problems = new List<string>();
        if (held.Count != queued)
        {
            problems.Add($"the simulator holds {held.Count} documents for {queued} queued");
        }

        if (externalIds.Count != held.Count)
        {
            problems.Add($"{held.Count - externalIds.Count} externalId(s) posted more than once");
        }

        if (!guids.All(g => externalIds.Contains(g.ToString())))
        {
            problems.Add("a queued document's GUID is not among the simulator's externalIds");
        }

        if (!final.Locked)
        {
            problems.Add($"the month is not locked ({final.Posted} posted, {final.Failed} failed, {final.Uncertain} uncertain, {final.NotApproved} not approved)");
        }

        if (heldTotal != final.PostedTotal)
        {
            problems.Add($"the simulator's total {Money.Text(heldTotal)} differs from the posted total {Money.Text(final.PostedTotal)}");
        }

        var verified = string.Create(CultureInfo.InvariantCulture, $"Verified: the simulator holds exactly {held.Count:N0} documents ({held.Count(t => t.ObjectType == ConductorTransaction.CreditMemo):N0} credit memos) under {externalIds.Count:N0} distinct externalIds, total {Money.Text(heldTotal)} = the posted total; the month is locked.");
        return (problems, verified);
    }

    /// <summary>A kept database measured again: this month's run, its postings and the connection go; charges are unbilled again.</summary>
    internal static async Task ResetAsync(IDbContextFactory<AppDbContext> factory, Guid tenantId, BillingPeriod period)
    {
        await using var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark");
        await db.InvoicePostings.Where(p => p.Period == period.Start).ExecuteDeleteAsync();
        await db.Corrections.Where(c => db.BillingRuns.Any(r => r.Id == c.RunId && r.Period == period.Start)).ExecuteDeleteAsync();
        await db.IifExports.Where(e => e.Period == period.Start).ExecuteDeleteAsync();
        await db.BillingRuns.Where(r => r.Period == period.Start).ExecuteDeleteAsync();
        await db.OneOffCharges.Where(c => c.Date >= period.Start).ExecuteUpdateAsync(s => s.SetProperty(c => c.BilledInvoiceId, (Guid?)null));
        await db.AccountingRecords.ExecuteDeleteAsync();
        await db.AccountingConnections.ExecuteDeleteAsync();
    }

    /// <summary>Opens and computes the month, accepts every flagged line (as a reviewer would, one by one) and approves every invoice.</summary>
    internal static async Task ApproveEverythingAsync(IServiceProvider services, BillingPeriod period)
    {
        await using var scope = services.CreateAsyncScope();
        var runs = scope.ServiceProvider.GetRequiredService<BillingRuns.Handler>();
        var watch = Stopwatch.StartNew();
        var view = await runs.OpenAsync(period);
        var opened = watch.Elapsed;
        var decided = 0;
        foreach (var invoice in view.Invoices.Where(i => i.OpenFlags > 0))
        {
            foreach (var line in invoice.Lines.Where(l => l.NeedsDecision))
            {
                await runs.AdjustAsync(period, invoice.Id, new BillingRuns.AdjustRequest(line.Key, "Benchmark: accepted as counted", Decision: Decisions.Accept));
                decided++;
            }
        }

        var result = await runs.ApproveAsync(period, null);
        if (result.Skipped.Count > 0)
        {
            throw new InvalidOperationException($"{result.Skipped.Count} invoices could not be approved, e.g. {result.Skipped[0].ClientName}: {result.Skipped[0].Reason}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  run opened in {opened.TotalSeconds:F1} s ({view.Totals.Invoices:N0} invoices, total {Money.Text(view.Totals.Total)}); {decided:N0} flagged lines accepted on {view.Totals.Flagged:N0} invoices; {result.Approved:N0} approved ({watch.Elapsed.TotalSeconds:F1} s)"));
    }

    /// <summary>The Conductor connection to the simulator, its customers and items imported and mapped by exact name (items it lacks → Misc charges).</summary>
    internal static async Task ConnectAndMapAsync(IServiceProvider services, IDbContextFactory<AppDbContext> factory, Guid tenantId, SimulatorHandle simulator)
    {
        await using var scope = services.CreateAsyncScope();
        var connections = scope.ServiceProvider.GetRequiredService<AccountingConnections.Handler>();
        var mappings = scope.ServiceProvider.GetRequiredService<AccountingMappings.Handler>();
        await connections.SaveAsync(new AccountingConnections.Request(
            AccountingKind.Conductor,
            BaseUrl: simulator.ConductorBaseUrl,
            TimeoutSeconds: 60,
            Credentials: new AccountingConnections.CredentialsInput(SecretKey: AccountingSimulatorCredentials.ConductorSecretKey, EndUserId: AccountingSimulatorCredentials.ConductorEndUserId)));
        var watch = Stopwatch.StartNew();
        var imported = await connections.ImportAsync();
        var importTime = watch.Elapsed;
        var check = await connections.CheckAsync();
        if (check.Status != AccountingStatus.Connected)
        {
            throw new InvalidOperationException("The Conductor simulator did not answer the check: " + check.Error);
        }

        List<AccountingRecord> records;
        List<(Guid Id, string Name)> clients, items;
        await using (var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark"))
        {
            records = await db.AccountingRecords.AsNoTracking().Where(r => r.Active).ToListAsync();
            clients = [.. (await db.Clients.AsNoTracking().Select(c => new { c.Id, c.Name }).ToListAsync()).Select(c => (c.Id, c.Name))];
            items = [.. (await db.CatalogItems.AsNoTracking().Select(i => new { i.Id, i.Name }).ToListAsync()).Select(i => (i.Id, i.Name))];
        }

        // The scaled world's customers come from the same generator and seed as the seeded clients: every name must match once.
        var customers = records.Where(r => r.Kind == AccountingRecordKinds.Customer).GroupBy(r => r.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var unmatched = clients.Where(c => !customers.TryGetValue(c.Name, out var list) || list.Count != 1).Select(c => c.Name).ToList();
        if (unmatched.Count > 0)
        {
            throw new InvalidOperationException($"{unmatched.Count} clients have no single Conductor customer of the same name, e.g. \"{unmatched[0]}\": the simulator's world and the seed disagree.");
        }

        var targetItems = records.Where(r => r.Kind == AccountingRecordKinds.Item).ToDictionary(r => r.Name, r => r.ExternalId, StringComparer.Ordinal);
        var misc = targetItems[ConductorData.MiscChargesItem];
        var itemMappings = items.Select(i => new AccountingMappings.ItemMapping(i.Id, targetItems.GetValueOrDefault(i.Name, misc))).ToList();
        await mappings.SetAsync([.. clients.Select(c => new AccountingMappings.CustomerMapping(c.Id, customers[c.Name][0].ExternalId))], itemMappings, "Benchmark: exact names");
        await mappings.SetFallbackItemAsync(misc);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  Conductor connected; imported {imported.Customers?.Total:N0} customers and {imported.Items?.Total:N0} items in {importTime.TotalSeconds:F1} s; {clients.Count:N0} clients mapped by exact name; {itemMappings.Count(m => m.ExternalId != misc):N0} catalog items by exact name, {itemMappings.Count(m => m.ExternalId == misc):N0} the simulator lacks → {ConductorData.MiscChargesItem}"));
    }

    /// <param name="devices">Devices per organisation of the scaled world (0: only the accounting side is used).</param>
    internal static async Task<SimulatorHandle> StartSimulatorAsync(int clients, int seed, int latencyMs, int devices = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddVendorSimulators(o =>
        {
            // The seeded clients by name (same generator, same seed).
            o.World = sp => SimulatorWorld.CreateScaled(clients, devices, seed, sp.GetService<TimeProvider>());
            o.HuntressRequestsPerMinute = 0;
            o.AccountingLatencyMs = latencyMs;
        });
        var app = builder.Build();
        app.MapVendorSimulators();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SimulatorHandle(app, address.TrimEnd('/'));
    }

    internal sealed class SimulatorHandle(WebApplication app, string address) : IAsyncDisposable
    {
        /// <summary>The Kestrel loopback address the simulators answer on (under /sim).</summary>
        public string Address { get; } = address;

        public string ConductorBaseUrl { get; } = address + "/sim/conductor/v1";

        public SimulatorWorld World { get; } = app.Services.GetRequiredService<SimulatorWorld>();

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Counts the SQL commands the app's contexts send (the worker's round trips per document).</summary>
    private sealed class CommandCounter : DbCommandInterceptor
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Interlocked.Increment(ref _count);
            return base.ReaderExecuting(command, eventData, result);
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            Interlocked.Increment(ref _count);
            return base.NonQueryExecuting(command, eventData, result);
        }
    }

    /// <summary>
    /// Wraps the app's keyed target (the real Conductor adapter, built as registered) to time its calls, so the drain
    /// splits into HTTP and everything else. Nothing else changes: the worker resolves it by kind as usual.
    /// </summary>
    private sealed class TimedTargets
    {
        private long _postTicks;
        private int _posts;
        private int _finds;

        public TimeSpan PostTime => TimeSpan.FromTicks(Interlocked.Read(ref _postTicks));

        public int Posts => _posts;

        public int Finds => _finds;

        public void Reset()
        {
            Interlocked.Exchange(ref _postTicks, 0);
            _posts = 0;
            _finds = 0;
        }

        public static void Wrap(IServiceCollection services, AccountingKind kind)
        {
            var registered = services.Single(d => d.IsKeyedService && Equals(d.ServiceKey, kind) && d.ServiceType == typeof(IAccountingTarget));
            var type = registered.KeyedImplementationType ?? throw new InvalidOperationException("The target is not registered by type.");
            services.Remove(registered);
            services.AddSingleton<TimedTargets>();
            services.AddKeyedScoped<IAccountingTarget>(kind, (sp, _) =>
                new Timed((IAccountingTarget)ActivatorUtilities.CreateInstance(sp, type), sp.GetRequiredService<TimedTargets>()));
        }

        private sealed class Timed(IAccountingTarget inner, TimedTargets counters) : IAccountingTarget
        {
            public Task CheckAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken) => inner.CheckAsync(endpoint, cancellationToken);

            public Task<IReadOnlyList<ExternalCustomer>> ListCustomersAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken) => inner.ListCustomersAsync(endpoint, cancellationToken);

            public Task<IReadOnlyList<ExternalItem>> ListItemsAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken) => inner.ListItemsAsync(endpoint, cancellationToken);

            public async Task<PostedDocument> PostAsync(AccountingEndpoint endpoint, PostingDocument document, CancellationToken cancellationToken)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    return await inner.PostAsync(endpoint, document, cancellationToken);
                }
                finally
                {
                    Interlocked.Add(ref counters._postTicks, Stopwatch.GetElapsedTime(started).Ticks);
                    Interlocked.Increment(ref counters._posts);
                }
            }

            public Task<PostedDocument?> FindAsync(AccountingEndpoint endpoint, PostingDocument document, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref counters._finds);
                return inner.FindAsync(endpoint, document, cancellationToken);
            }
        }
    }
}
