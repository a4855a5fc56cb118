using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.VendorSync;

public sealed record ClassCount(string Class, int Counted, int NotCounted);

/// <summary>The newest snapshot of one mapped organisation and metric, with the evidence behind the number.</summary>
public sealed record CountGroup(
    Guid SnapshotId,
    Guid ConnectionId,
    string ConnectionName,
    VendorKind Kind,
    string OrganizationExternalId,
    string OrganizationName,
    string Metric,
    decimal Count,
    DateTime TakenUtc,
    bool Stale,
    SyncStatus ConnectionStatus,
    string? ConnectionError,
    IReadOnlyList<ClassCount> ByClass,
    IReadOnlyList<VendorAsset> Assets,
    IReadOnlyList<LicenceSubscription> Licences)
{
    /// <summary>The snapshot as shown: class breakdown in billing-class order, evidence sorted by name, staleness as of <paramref name="now"/>.</summary>
    public static CountGroup From(CountSnapshot s, VendorConnection c, string organizationName, DateTime now, TimeSpan? staleAfter = null)
    {
        var byClass = s.Assets.GroupBy(a => a.Class)
            .Select(g => new ClassCount(g.Key, g.Count(a => a.Counted), g.Count(a => !a.Counted)))
            .OrderBy(x => AssetClassOrder(x.Class)).ToList();
        return new CountGroup(s.Id, c.Id, c.Name, c.Kind, s.OrganizationExternalId, organizationName, s.Metric, s.Count, s.TakenUtc,
            now - s.TakenUtc > (staleAfter ?? GetClientCounts.StaleAfter), c.LastStatus, c.LastStatus == SyncStatus.Failed ? c.LastError : null, byClass,
            s.Assets.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ToList(),
            s.Licences.OrderBy(l => l.ProductName, StringComparer.OrdinalIgnoreCase).ToList());
    }

    private static int AssetClassOrder(string assetClass)
    {
        var index = AssetClasses.All.ToList().IndexOf(assetClass);
        return index < 0 ? int.MaxValue : index;
    }
}

/// <summary>One licence product of a client: purchased (distributor) against assigned (Microsoft 365), when both are known.</summary>
public sealed record LicenceComparison(string Product, Guid? CatalogItemId, decimal Purchased, decimal? Assigned, decimal? Unassigned, decimal? UnitPrice, string? Term, DateOnly? RenewalDate, IReadOnlyList<string> Sources);

public static class FindingKinds
{
    /// <summary>Vendor usage that no line of the client bills.</summary>
    public const string NewRevenue = "new-revenue";
    /// <summary>A manual line bills fewer units than the vendor counts.</summary>
    public const string CountIncrease = "count-increase";
    /// <summary>Seats bought but not assigned to anyone.</summary>
    public const string UnassignedLicences = "unassigned-licences";
    /// <summary>Counted usage whose product or class is not mapped to a catalog item yet.</summary>
    public const string UnmappedUsage = "unmapped-usage";
}

public sealed record Finding(string Kind, string Message, Guid? CatalogItemId, decimal Quantity, decimal? MonthlyValue);

public sealed record ClientCounts(IReadOnlyList<CountGroup> Groups, IReadOnlyList<LicenceComparison> Licences, IReadOnlyList<Finding> Findings)
{
    public decimal FoundMonthlyValue => Findings.Where(f => f.Kind is FindingKinds.NewRevenue or FindingKinds.CountIncrease).Sum(f => f.MonthlyValue ?? 0);
}

/// <summary>A client's vendor counts (newest snapshot of every mapped organisation), licence comparison and findings.</summary>
public static class GetClientCounts
{
    /// <summary>A source older than this is stale (billing-rules.md default).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(24);

    public sealed class Handler(TenantDb tenantDb, TimeProvider time)
    {
        public async Task<ClientCounts> GetAsync(Guid clientId, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var client = await db.Clients.AsNoTracking().Include(c => c.Agreement).ThenInclude(a => a!.Lines).ThenInclude(l => l.Item)
                .SingleOrDefaultAsync(c => c.Id == clientId, cancellationToken)
                ?? throw new NotFoundException("Client", clientId);
            var orgs = await db.VendorOrganizations.AsNoTracking().Where(o => o.ClientId == clientId && o.Active).ToListAsync(cancellationToken);
            if (orgs.Count == 0)
            {
                return new ClientCounts([], [], []);
            }

            var connectionIds = orgs.Select(o => o.ConnectionId).Distinct().ToList();
            var connections = await db.VendorConnections.AsNoTracking().Where(c => connectionIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
            var externalIds = orgs.Select(o => o.ExternalId).Distinct().ToList();
            var orgNames = orgs.ToDictionary(o => (o.ConnectionId, o.ExternalId), o => o.Name);
            var newest = await SnapshotQueries.NewestAsync(db.CountSnapshots.Where(s => connectionIds.Contains(s.ConnectionId) && externalIds.Contains(s.OrganizationExternalId)), cancellationToken);
            var newestIds = newest.Where(h => orgNames.ContainsKey((h.ConnectionId, h.OrganizationExternalId))).Select(h => h.Id).ToList();
            var snapshots = await db.CountSnapshots.AsNoTracking().Where(s => newestIds.Contains(s.Id)).ToListAsync(cancellationToken);
            var usage = await db.UsageMappings.AsNoTracking().Where(m => connectionIds.Contains(m.ConnectionId)).ToListAsync(cancellationToken);
            var items = await db.CatalogItems.AsNoTracking().ToDictionaryAsync(i => i.Id, cancellationToken);

            var now = time.GetUtcNow().UtcDateTime;
            var staleAfter = await StaleAfterAsync(db, cancellationToken);
            var groups = snapshots
                .Select(s => CountGroup.From(s, connections[s.ConnectionId], orgNames[(s.ConnectionId, s.OrganizationExternalId)], now, staleAfter))
                .OrderBy(g => g.Kind).ThenBy(g => g.OrganizationName, StringComparer.OrdinalIgnoreCase)
                .ToList();

            var today = DateOnly.FromDateTime(now);
            var lines = client.Agreement?.Lines.Where(l => l.EffectiveFrom <= today && (l.EffectiveTo is null || l.EffectiveTo > today)).ToList() ?? [];
            var licences = CompareLicences(groups, usage, items, lines);
            var findings = Findings(groups, usage, items, lines, licences);
            return new ClientCounts(groups, licences, findings);
        }
    }

    /// <summary>The tenant's stale threshold (Billing settings), the same one that flags billed lines.</summary>
    internal static async Task<TimeSpan> StaleAfterAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var hours = await db.BillingSettings.AsNoTracking().Select(s => (int?)s.StaleAfterHours).FirstOrDefaultAsync(cancellationToken);
        return hours is { } h ? TimeSpan.FromHours(h) : StaleAfter;
    }

    private static string Qty(decimal quantity) => quantity.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    private static Guid? MappedItem(IReadOnlyCollection<UsageMapping> usage, Guid connectionId, string metric, string key) =>
        usage.FirstOrDefault(m => m.ConnectionId == connectionId && m.Metric == metric && m.Key == key)?.CatalogItemId;

    /// <summary>
    /// Distributor seats (purchased) beside Microsoft 365 assignments: joined by the catalog item both are mapped to,
    /// else by Microsoft's skuId. Graph seats pool per SKU, so Pax8 quantities are summed per product first.
    /// </summary>
    internal static IReadOnlyList<LicenceComparison> CompareLicences(IReadOnlyList<CountGroup> groups, IReadOnlyCollection<UsageMapping> usage, IReadOnlyDictionary<Guid, Clients.CatalogItem> items, IReadOnlyList<Clients.RecurringLine> lines)
    {
        var rows = new Dictionary<string, (string Product, Guid? Item, decimal Purchased, decimal? GraphEnabled, decimal? Assigned, decimal? Price, string? Term, DateOnly? Renewal, SortedSet<string> Sources)>(StringComparer.Ordinal);
        foreach (var g in groups.Where(g => g.Metric == Metrics.Licences))
        {
            foreach (var l in g.Licences.Where(l => l.Counted))
            {
                var item = MappedItem(usage, g.ConnectionId, g.Metric, l.ProductId);
                var key = item is { } i ? $"item:{i}" : l.VendorSkuId is { } sku ? $"sku:{sku.ToUpperInvariant()}" : $"name:{MicrosoftSkus.DisplayName(l).ToUpperInvariant()}";
                rows.TryGetValue(key, out var row);
                row.Product ??= item is { } id && items.TryGetValue(id, out var ci) ? ci.Name : MicrosoftSkus.DisplayName(l);
                row.Item ??= item;
                row.Sources ??= new SortedSet<string>(StringComparer.Ordinal);
                row.Sources.Add(VendorKinds.DisplayName(g.Kind));
                if (g.Kind == VendorKind.Graph)
                {
                    row.GraphEnabled = (row.GraphEnabled ?? 0) + l.Quantity;
                    row.Assigned = (row.Assigned ?? 0) + (l.Assigned ?? 0);
                }
                else
                {
                    row.Purchased += l.Quantity;
                    row.Price ??= l.UnitPrice;
                    row.Term ??= l.CommitmentTerm ?? l.BillingTerm;
                    row.Renewal = row.Renewal is { } r && l.RenewalDate is { } n ? (n < r ? n : r) : row.Renewal ?? l.RenewalDate;
                }

                rows[key] = row;
            }
        }

        return rows.Values.Select(r =>
            {
                var purchased = r.Purchased > 0 ? r.Purchased : r.GraphEnabled ?? 0;
                var linePrice = r.Item is { } item ? lines.FirstOrDefault(l => l.CatalogItemId == item) is { } line ? line.UnitPriceOverride ?? line.Item?.UnitPrice : items.GetValueOrDefault(item)?.UnitPrice : null;
                var unassigned = r.Assigned is { } a ? purchased - a : (decimal?)null;
                return new LicenceComparison(r.Product, r.Item, purchased, r.Assigned, unassigned, linePrice ?? r.Price, r.Term, r.Renewal, [.. r.Sources]);
            })
            .OrderBy(r => r.Product, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    internal static IReadOnlyList<Finding> Findings(IReadOnlyList<CountGroup> groups, IReadOnlyCollection<UsageMapping> usage, IReadOnlyDictionary<Guid, Clients.CatalogItem> items, IReadOnlyList<Clients.RecurringLine> lines, IReadOnlyList<LicenceComparison> licences)
    {
        var findings = new List<Finding>();
        // Per catalog item, the largest count any source reports (a workstation seen by the RMM and the EDR is one workstation).
        var byItem = new Dictionary<Guid, (decimal Quantity, string Source)>();
        var unmapped = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var g in groups)
        {
            var perKey = new Dictionary<string, (decimal Quantity, string Name)>(StringComparer.Ordinal);
            foreach (var a in g.Assets.Where(a => a.Counted))
            {
                var key = Counting.UsageKey(g.Metric, a);
                perKey.TryGetValue(key, out var v);
                perKey[key] = (v.Quantity + 1, Counting.UsageName(g.Kind, g.Metric, a.Class));
            }

            foreach (var l in g.Licences.Where(l => l.Counted && g.Kind != VendorKind.Graph))
            {
                perKey.TryGetValue(l.ProductId, out var v);
                perKey[l.ProductId] = (v.Quantity + l.Quantity, MicrosoftSkus.DisplayName(l));
            }

            foreach (var (key, (quantity, name)) in perKey)
            {
                if (MappedItem(usage, g.ConnectionId, g.Metric, key) is { } item)
                {
                    byItem.TryGetValue(item, out var current);
                    if (quantity > current.Quantity)
                    {
                        byItem[item] = (quantity, VendorKinds.DisplayName(g.Kind));
                    }
                }
                else
                {
                    unmapped[name] = unmapped.GetValueOrDefault(name) + quantity;
                }
            }
        }

        foreach (var (itemId, (quantity, source)) in byItem.OrderBy(x => items.GetValueOrDefault(x.Key)?.Name, StringComparer.OrdinalIgnoreCase))
        {
            if (!items.TryGetValue(itemId, out var item))
            {
                continue;
            }

            var itemLines = lines.Where(l => l.CatalogItemId == itemId).ToList();
            if (itemLines.Count == 0)
            {
                var value = Money.RoundCents(quantity * item.UnitPrice);
                findings.Add(new Finding(FindingKinds.NewRevenue,
                    $"{source} counts {Qty(quantity)} × {item.Name} that no line bills: {Money.Text(value)} a month at catalog price.", itemId, quantity, value));
                continue;
            }

            var billed = itemLines.Where(l => l.SourceKind == Clients.QuantitySourceKind.Manual).Sum(l => l.Quantity);
            if (itemLines.All(l => l.SourceKind == Clients.QuantitySourceKind.Manual) && quantity > billed)
            {
                var price = itemLines[0].UnitPriceOverride ?? item.UnitPrice;
                var value = Money.RoundCents((quantity - billed) * price);
                findings.Add(new Finding(FindingKinds.CountIncrease,
                    $"{source} counts {Qty(quantity)} × {item.Name}; the agreement bills {Qty(billed)}: {Money.Text(value)} a month more.", itemId, quantity - billed, value));
            }
        }

        foreach (var l in licences.Where(l => l.Unassigned > 0))
        {
            var value = l.UnitPrice is { } p ? Money.RoundCents(l.Unassigned!.Value * p) : (decimal?)null;
            var worth = value is { } v ? $": {Money.Text(v)} a month paid for nobody" : "";
            findings.Add(new Finding(FindingKinds.UnassignedLicences,
                $"{Qty(l.Unassigned!.Value)} of {Qty(l.Purchased)} {l.Product} seats are not assigned{worth}.", l.CatalogItemId, l.Unassigned!.Value, value));
        }

        foreach (var (name, quantity) in unmapped.OrderBy(x => x.Key, StringComparer.OrdinalIgnoreCase))
        {
            findings.Add(new Finding(FindingKinds.UnmappedUsage, $"{Qty(quantity)} × {name} is not mapped to a catalog item, so it cannot be valued.", null, quantity, null));
        }

        return findings;
    }
}
