using CommandCenter.Billing;
using CommandCenter.Clients;
using CommandCenter.Tests.Support;
using CommandCenter.VendorSync;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Tests.Billing;

/// <summary>
/// Two active clients and an inactive one on a real migrated SQLite database, clock 15 November 2026: Acme Dental 9
/// NinjaOne workstations at $45 = $405.00; Beacon Law 3 workstations at $45 + a firewall at $85 = $220.00; Cobalt Labs inactive.
/// </summary>
internal sealed class RunFixture : IAsyncDisposable
{
    private RunFixture(TestDatabase db) => Db = db;

    public TestDatabase Db { get; }
    public BillingEvents Events { get; } = new();
    public BillingLocks Locks { get; } = new();
    public BillingRefreshes Refreshes { get; } = new();
    public BillingRuns.Engine Engine { get; private set; } = null!;
    public BillingRuns.Handler Runs { get; private set; } = null!;
    public Guid Acme { get; private set; }
    public Guid Beacon { get; private set; }
    public Guid Ninja { get; private set; }
    public string AcmeWorkstationsKey { get; private set; } = "";
    public string BeaconFirewallKey { get; private set; } = "";
    public DateTime Now => Db.Time.GetUtcNow().UtcDateTime;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <param name="onFile">A database file, where each context has its own connection: for tests that read and write at the same time.</param>
    public static async Task<RunFixture> CreateAsync(bool onFile = false)
    {
        var f = new RunFixture(onFile ? await TestDatabase.CreateOnFileAsync() : await TestDatabase.CreateAsync());
        var db = f.Db;
        var sync = new SyncConnection.Handler(db.Factory, new NoServices(), new CredentialProtector(new EphemeralDataProtectionProvider()),
            new SyncProgressTracker(db.Time), new SyncLocks(), db.NewLeases(), [], db.Time, NullLogger<SyncConnection.Handler>.Instance);
        f.Engine = new BillingRuns.Engine(f.Events, f.Locks, db.Audit, db.Time, sync, db.Factory, NullLogger<BillingRuns.Engine>.Instance);
        f.Runs = new BillingRuns.Handler(db.TenantDb(), f.Engine, f.Refreshes);

        var items = new SaveCatalogItem.Handler(db.TenantDb(), db.Audit, db.Time);
        var workstation = await items.CreateAsync(new SaveCatalogItem.Request("Managed Workstation", 45m, 12m), Ct);
        var firewall = await items.CreateAsync(new SaveCatalogItem.Request("Firewall Management", 85m, 20m), Ct);
        var clients = new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time);
        f.Acme = await clients.CreateAsync(new SaveClient.Request("Acme Dental", HourlyRate: 150m), Ct);
        f.Beacon = await clients.CreateAsync(new SaveClient.Request("Beacon Law", HourlyRate: 175m), Ct);
        var cobalt = await clients.CreateAsync(new SaveClient.Request("Cobalt Labs", ClientStatus.Inactive), Ct);

        await using (var ctx = db.Open())
        {
            var ninja = new VendorConnection
            {
                Kind = VendorKind.NinjaOne, Name = "NinjaOne", BaseUrl = "https://example.test", ProtectedCredentials = "x",
                CreatedUtc = f.Now, UpdatedUtc = f.Now, LastStatus = SyncStatus.Succeeded, LastSuccessUtc = f.Now,
            };
            ctx.VendorConnections.Add(ninja);
            ctx.VendorOrganizations.AddRange(
                new VendorOrganization { ConnectionId = ninja.Id, ExternalId = "acme", Name = "Acme Dental", ClientId = f.Acme, FirstSeenUtc = f.Now, LastSeenUtc = f.Now },
                new VendorOrganization { ConnectionId = ninja.Id, ExternalId = "beacon", Name = "Beacon Law", ClientId = f.Beacon, FirstSeenUtc = f.Now, LastSeenUtc = f.Now },
                new VendorOrganization { ConnectionId = ninja.Id, ExternalId = "cobalt", Name = "Cobalt Labs", ClientId = cobalt, FirstSeenUtc = f.Now, LastSeenUtc = f.Now });
            await ctx.SaveChangesAsync(Ct);
            f.Ninja = ninja.Id;
        }

        await f.SnapshotAsync("acme", 9);
        await f.SnapshotAsync("beacon", 3);
        await f.SnapshotAsync("cobalt", 5);

        var lines = new SaveLine.Handler(db.TenantDb(), db.Audit, db.Time);
        var from = new DateOnly(2026, 1, 1);
        var bound = new SaveLine.VendorSource(f.Ninja, SourceMetrics.Workstations);
        f.AcmeWorkstationsKey = $"line:{await lines.AddAsync(f.Acme, new SaveLine.Request(workstation, 0, EffectiveFrom: from, Source: bound), Ct):N}";
        await lines.AddAsync(f.Beacon, new SaveLine.Request(workstation, 0, EffectiveFrom: from, Source: bound), Ct);
        f.BeaconFirewallKey = $"line:{await lines.AddAsync(f.Beacon, new SaveLine.Request(firewall, 1, EffectiveFrom: from), Ct):N}";
        await lines.AddAsync(cobalt, new SaveLine.Request(workstation, 0, EffectiveFrom: from, Source: bound), Ct);
        return f;
    }

    /// <summary>A completed NinjaOne sync of one organisation with <paramref name="workstations"/> approved workstations.</summary>
    public async Task SnapshotAsync(string organization, int workstations)
    {
        Db.Time.Advance(TimeSpan.FromMinutes(1)); // each sync lands after the previous one: the newest snapshot wins
        await using var ctx = Db.Open();
        ctx.CountSnapshots.Add(new CountSnapshot
        {
            ConnectionId = Ninja,
            OrganizationExternalId = organization,
            Metric = Metrics.Devices,
            Count = workstations,
            TakenUtc = Now,
            Assets = [.. Enumerable.Range(1, workstations).Select(i => new VendorAsset
            {
                ExternalId = $"{organization}-{i}", Name = $"{organization.ToUpperInvariant()}-WS-{i:00}", Class = AssetClasses.Workstation,
                VendorClass = "WINDOWS_WORKSTATION", Status = "APPROVED", Counted = true,
            })],
        });
        await ctx.SaveChangesAsync(Ct);
    }

    public async Task FailLastSyncAsync(string error)
    {
        await using var ctx = Db.Open();
        var connection = await ctx.VendorConnections.SingleAsync(c => c.Id == Ninja, Ct);
        connection.LastStatus = SyncStatus.Failed;
        connection.LastError = error;
        await ctx.SaveChangesAsync(Ct);
    }

    /// <summary>Marks the run and its invoices posted, as the posting outbox will.</summary>
    public async Task PostAsync(Guid runId)
    {
        await using var ctx = Db.Open();
        var run = await ctx.BillingRuns.Include(r => r.Invoices).SingleAsync(r => r.Id == runId, Ct);
        run.Status = RunStatus.Posted;
        run.PostedUtc = Now;
        foreach (var invoice in run.Invoices)
        {
            invoice.Status = InvoiceStatus.Posted;
        }

        await ctx.SaveChangesAsync(Ct);
    }

    public ValueTask DisposeAsync() => Db.DisposeAsync();

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
