using CommandCenter.Billing;
using CommandCenter.Clients;
using CommandCenter.Persistence;
using CommandCenter.VendorSync;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Demo;

/// <summary>
/// Demo billing: the seeded lines are bound to the demo vendors (as an MSP does once its integrations are connected),
/// and — once every demo connection has synced — last month is recorded as posted, so the first open of the current
/// month shows a realistic diff: a few clients gained or lost devices, one licence count went down, one price went up,
/// and one client's EDR agents vanished (a count that fell to zero, held for a decision).
/// </summary>
public static class DemoBilling
{
    public const string RetiredDeviceSuffix = "-RETIRED-01";

    /// <summary>Which vendor count each catalog item of the demo catalog bills (the rest stay manual).</summary>
    private static readonly Dictionary<string, (VendorKind Kind, string Metric, string? Classes, bool Product)> Bindings = new(StringComparer.Ordinal)
    {
        [DataGenerator.Items.ManagedWorkstation] = (VendorKind.NinjaOne, SourceMetrics.Workstations, null, false),
        [DataGenerator.Items.ManagedServer] = (VendorKind.NinjaOne, SourceMetrics.Servers, null, false),
        [DataGenerator.Items.HuntressEdr] = (VendorKind.Huntress, SourceMetrics.Agents, null, false),
        [DataGenerator.Items.FirewallManagement] = (VendorKind.SonicWall, SourceMetrics.Firewalls, null, false),
        [DataGenerator.Items.M365BusinessBasic] = (VendorKind.Pax8, SourceMetrics.Licences, null, true),
        [DataGenerator.Items.M365BusinessStandard] = (VendorKind.Pax8, SourceMetrics.Licences, null, true),
        [DataGenerator.Items.M365BusinessPremium] = (VendorKind.Pax8, SourceMetrics.Licences, null, true),
        [DataGenerator.Items.ExchangeOnlinePlan1] = (VendorKind.Pax8, SourceMetrics.Licences, null, true),
    };

    /// <summary>Binds the demo tenant's lines to its connections and points T&amp;M and blocks at their catalog items.</summary>
    public static async Task BindLinesAsync(AppDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var connections = await db.VendorConnections.ToDictionaryAsync(c => c.Kind, c => c.Id, cancellationToken);
        var items = await db.CatalogItems.ToDictionaryAsync(i => i.Name, i => i.Id, StringComparer.Ordinal, cancellationToken);
        var lines = await db.RecurringLines.Include(l => l.Item).ToListAsync(cancellationToken);
        var thisMonth = SaveLine.FirstOfMonth(now);
        foreach (var line in lines)
        {
            // The agreements have run for a year: last month billed the same lines.
            line.EffectiveFrom = thisMonth.AddMonths(-12);

            if (line.Item is null || !Bindings.TryGetValue(line.Item.Name, out var b) || !connections.TryGetValue(b.Kind, out var connectionId))
            {
                continue;
            }

            line.SourceKind = QuantitySourceKind.Vendor;
            line.SourceConnectionId = connectionId;
            line.SourceMetric = b.Metric;
            line.SourceClasses = b.Classes;
            line.SourceProduct = b.Product ? line.Item.Name : null;
            line.SourceBasis = b.Metric == SourceMetrics.Licences ? VendorBinding.Purchased : null;
        }

        await db.SaveChangesAsync(cancellationToken);

        // One client added cloud backup for a new server in the middle of this month: a new, prorated line.
        var backup = items.GetValueOrDefault(DataGenerator.Items.CloudBackup);
        var agreement = await db.Agreements.Where(a => !a.Lines.Any(l => l.CatalogItemId == backup) && a.Lines.Any(l => l.SourceKind == QuantitySourceKind.Vendor && l.SourceMetric == SourceMetrics.Servers))
            .OrderBy(a => a.Id).FirstOrDefaultAsync(cancellationToken);
        if (backup != Guid.Empty && agreement is not null)
        {
            db.RecurringLines.Add(new RecurringLine { AgreementId = agreement.Id, CatalogItemId = backup, Quantity = 1, EffectiveFrom = thisMonth.AddDays(15), CreatedUtc = now });
        }

        db.BillingSettings.Add(new BillingSettings
        {
            TimeItemId = items.GetValueOrDefault(DataGenerator.Items.Support),
            BlockItemId = items.GetValueOrDefault(DataGenerator.Items.BlockHours),
            UpdatedUtc = now,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Records last month as posted, built by the billing engine from the demo's inputs with a few deterministic
    /// differences (what changed since). Does nothing when the tenant already has a run of last month or before.
    /// </summary>
    public static async Task<bool> PostLastMonthAsync(AppDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var period = BillingPeriod.Of(DateOnly.FromDateTime(now)).Previous;
        // This month's run may exist already (opened in the background or by a visitor): it is refreshed afterwards.
        if (await db.BillingRuns.AnyAsync(r => r.Period <= period.Start, cancellationToken))
        {
            return false;
        }

        var inputs = await BillingInputs.LoadAsync(db, period, null, null, cancellationToken);
        var clients = History(inputs.Clients);
        var drafts = BillingEngine.Build(period, clients, inputs.Settings, inputs.TimeItem, inputs.BlockItem, now);
        var settings = await BillingSettingsStore.GetOrCreateAsync(db, cancellationToken);
        var run = new BillingRun { Period = period.Start, Status = RunStatus.Posted, CreatedUtc = now, RefreshedUtc = now, PostedUtc = now, Version = 1 };
        db.BillingRuns.Add(run);
        foreach (var draft in drafts.Where(d => d.Lines.Count > 0))
        {
            run.Invoices.Add(Invoice.Posted(draft, BillingSettings.FormatNumber(settings.InvoicePrefix, settings.NextInvoiceNumber++), now, "demo"));
        }

        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Last month's inputs: today's, with the differences the demo's diff should show.</summary>
    private static List<ClientInput> History(IReadOnlyList<ClientInput> clients)
    {
        var ordered = clients.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var withWorkstations = ordered.Where(c => c.Lines.Any(l => IsBound(l, SourceMetrics.Workstations) && Evidence(l) >= 4)).Select(c => c.ClientId).ToList();
        var gained = withWorkstations.Where((_, i) => i % 5 == 0).Take(3).ToHashSet();
        var lost = withWorkstations.Where((_, i) => i % 5 == 2).Take(1).ToHashSet();
        var licensed = ordered.Where(c => c.Lines.Any(l => IsBound(l, SourceMetrics.Licences) && Evidence(l) > 0)).Select(c => c.ClientId).ToList();
        var seatsDown = licensed.Skip(3).Take(1).ToHashSet();
        var seatsHalved = licensed.Skip(9).Take(1).ToHashSet();
        var repriced = ordered.Where(c => c.Lines.Any(l => !l.VendorSourced)).Select(c => c.ClientId).Skip(5).Take(1).ToHashSet();

        var result = new List<ClientInput>(ordered.Count);
        foreach (var client in ordered)
        {
            var lines = new List<LineInput>();
            foreach (var line in client.Lines)
            {
                var l = line;
                if (l.Source is { } source && l.Binding is { } binding)
                {
                    if (binding.Metric == SourceMetrics.Workstations && gained.Contains(client.ClientId))
                    {
                        // Two workstations are new this month: last month did not have them.
                        var newest = source.Snapshots.SelectMany(s => s.Assets).Where(a => a.Counted && a.Class == AssetClasses.Workstation)
                            .OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).TakeLast(2).Select(a => a.ExternalId).ToHashSet(StringComparer.Ordinal);
                        l = l with { Source = source with { Snapshots = [.. source.Snapshots.Select(s => s with { Assets = [.. s.Assets.Where(a => !newest.Contains(a.ExternalId))] })] } };
                    }
                    else if (binding.Metric == SourceMetrics.Workstations && lost.Contains(client.ClientId) && source.Snapshots.Count > 0)
                    {
                        // A workstation billed last month has been retired since.
                        var first = source.Snapshots[0];
                        var retired = new VendorAsset
                        {
                            ExternalId = "retired-" + client.ClientId.ToString("N"),
                            Name = Prefix(first) + RetiredDeviceSuffix,
                            Class = AssetClasses.Workstation,
                            VendorClass = "WINDOWS_WORKSTATION",
                            Status = "APPROVED",
                            Counted = true,
                        };
                        l = l with { Source = source with { Snapshots = [first with { Assets = [.. first.Assets, retired] }, .. source.Snapshots.Skip(1)] } };
                    }
                    else if (binding.Metric == SourceMetrics.Licences && seatsDown.Contains(client.ClientId))
                    {
                        // Two seats were cancelled at renewal.
                        l = l with { Source = source with { Snapshots = [.. source.Snapshots.Select(s => s with { Licences = [.. s.Licences.Select(x => CopyWithQuantity(x, x.Counted ? x.Quantity + 2 : x.Quantity))] })] } };
                    }
                    else if (binding.Metric == SourceMetrics.Licences && seatsHalved.Contains(client.ClientId) && binding.Product is not null
                        && lines.All(x => x.Binding?.Metric != SourceMetrics.Licences))
                    {
                        // The distributor now reports half the seats: more likely a subscription moved than staff leaving — held.
                        l = l with { Source = source with { Snapshots = [.. source.Snapshots.Select(s => s with { Licences = [.. s.Licences.Select(x => CopyWithQuantity(x, x.Counted && binding.MatchesLicence(x) ? x.Quantity * 2 + 1 : x.Quantity))] })] } };
                    }
                    else if (binding.Metric == SourceMetrics.Agents && Evidence(l) == 0)
                    {
                        // The EDR agents were there last month (one per managed computer); now the vendor reports none.
                        var computers = client.Lines.Where(x => x.Binding is { Metric: SourceMetrics.Workstations or SourceMetrics.Servers } && x.Source is not null)
                            .SelectMany(x => x.Source!.Snapshots.SelectMany(s => s.Assets)).Where(a => a.Counted && a.Class is AssetClasses.Workstation or AssetClasses.Server)
                            .DistinctBy(a => a.ExternalId).ToList();
                        if (computers.Count > 0 && source.Snapshots.Count > 0)
                        {
                            var agents = computers.Select(a => new VendorAsset { ExternalId = "agent-" + a.ExternalId, Name = a.Name, Class = a.Class, VendorClass = "windows", Status = "online", Counted = true }).ToList();
                            l = l with { Source = source with { Snapshots = [source.Snapshots[0] with { Assets = agents }] } };
                        }
                    }
                }

                if (!l.VendorSourced && repriced.Contains(client.ClientId) && l.UnitPrice > 10)
                {
                    // The price went up this month; last month billed the old price.
                    l = l with { UnitPriceOverride = l.UnitPrice - 5 };
                    repriced.Remove(client.ClientId);
                }

                lines.Add(l);
            }

            result.Add(client with { Lines = lines, Adjustments = [] });
        }

        return result;
    }

    private static bool IsBound(LineInput line, string metric) => line.Binding?.Metric == metric && line.Source is not null;

    private static int Evidence(LineInput line) => line.Source is null || line.Binding is null ? 0 : (int)BillingEngine.Count(line.Binding, line.Source.Snapshots).Count;

    private static string Prefix(SourceSnapshot snapshot) =>
        snapshot.Assets.Select(a => a.Name.Split('-')[0]).FirstOrDefault(p => p.Length > 0)?.ToUpperInvariant() ?? "PC";

    private static LicenceSubscription CopyWithQuantity(LicenceSubscription x, decimal quantity) => new()
    {
        ExternalId = x.ExternalId, ProductId = x.ProductId, ProductName = x.ProductName, Sku = x.Sku, VendorSkuId = x.VendorSkuId, Quantity = quantity,
        Assigned = x.Assigned, Warning = x.Warning, Status = x.Status, Counted = x.Counted, BillingTerm = x.BillingTerm, CommitmentTerm = x.CommitmentTerm,
        StartDate = x.StartDate, RenewalDate = x.RenewalDate, UnitPrice = x.UnitPrice, UnitCost = x.UnitCost, Currency = x.Currency,
    };
}

/// <summary>Demo only: once every demo connection has synced, records last month as posted (see <see cref="DemoBilling"/>).</summary>
public sealed class DemoBillingHistory(IDbContextFactory<AppDbContext> factory, Microsoft.Extensions.DependencyInjection.IServiceScopeFactory scopes, SyncScheduler scheduler, TimeProvider time, ILogger<DemoBillingHistory> logger) : BackgroundService
{
    /// <summary>Set when last month is posted (or was already): tests wait on it.</summary>
    public Task Ready => _ready.Task;

    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<Guid, DateTimeOffset> _retried = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            Guid? tenantId = null;
            var deadline = time.GetUtcNow().AddMinutes(5);
            while (!stoppingToken.IsCancellationRequested && time.GetUtcNow() < deadline)
            {
                await using (var db = await factory.CreateDbContextAsync(stoppingToken))
                {
                    // Demo tenant lookup happens before any tenant is bound to the context.
                    tenantId ??= await db.Tenants.Where(t => t.Name == DemoSeeder.DemoTenantName).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(stoppingToken);
                    if (tenantId is { } id)
                    {
                        db.ForTenant(id, "demo");
                        var connections = await db.VendorConnections.AsNoTracking().Where(c => c.Enabled)
                            .Select(c => new { c.Id, c.LastStatus, c.LastSuccessUtc }).ToListAsync(stoppingToken);
                        if (await db.BillingRuns.AnyAsync(r => r.Status == RunStatus.Posted, stoppingToken))
                        {
                            break;
                        }

                        // Last month is built from real counts only: a connection whose first sync failed (a busy
                        // machine, a timeout) is retried now rather than at its next scheduled run.
                        var now0 = time.GetUtcNow();
                        foreach (var failed in connections.Where(c => c.LastStatus == SyncStatus.Failed && c.LastSuccessUtc is null))
                        {
                            if (!_retried.TryGetValue(failed.Id, out var at) || now0 - at > TimeSpan.FromSeconds(20))
                            {
                                _retried[failed.Id] = now0;
                                await scheduler.TriggerNowAsync(id, failed.Id, "demo", stoppingToken);
                            }
                        }

                        if (connections.Count > 0 && connections.All(c => c.LastSuccessUtc is not null && c.LastStatus != SyncStatus.Running))
                        {
                            var now = time.GetUtcNow().UtcDateTime;
                            if (await DemoBilling.PostLastMonthAsync(db, now, stoppingToken))
                            {
                                logger.LogInformation("Demo: last month recorded as posted, so this month's review shows its diff");
                                // A run of this month opened before the history existed takes it now.
                                var current = BillingPeriod.Of(DateOnly.FromDateTime(now));
                                if (await db.BillingRuns.AnyAsync(r => r.Period == current.Start, stoppingToken))
                                {
                                    using var scope = scopes.CreateScope();
                                    var engine = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<BillingRuns.Engine>(scope.ServiceProvider);
                                    await engine.RefreshAsync(db, current, null, "demo history", stoppingToken);
                                }
                            }

                            break;
                        }
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Demo: recording last month as posted failed");
        }
        finally
        {
            _ready.TrySetResult();
        }
    }
}
