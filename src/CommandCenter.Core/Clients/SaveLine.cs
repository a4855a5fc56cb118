using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Clients;

/// <summary>Adds, edits and removes a client's recurring lines; validated and audited.</summary>
public static class SaveLine
{
    /// <param name="UnitPriceOverride">Null follows the catalog price.</param>
    /// <param name="EffectiveFrom">Null means the first day of the current month.</param>
    public sealed record Request(
        Guid ItemId,
        decimal Quantity,
        decimal? UnitPriceOverride = null,
        decimal IncludedUnits = 0,
        decimal Minimum = 0,
        DateOnly? EffectiveFrom = null,
        DateOnly? EffectiveTo = null,
        string? Description = null,
        string? Reason = null,
        VendorSource? Source = null);

    /// <summary>Binds the line's quantity to a vendor count (null keeps it manual).</summary>
    /// <param name="Classes">Comma-separated asset classes for devices/agents (empty = the metric's default).</param>
    /// <param name="Product">Licences: the product id, SKU or name counted.</param>
    /// <param name="Basis">Licences: purchased (default) or assigned.</param>
    public sealed record VendorSource(Guid ConnectionId, string Metric, string? Classes = null, string? Product = null, string? Basis = null);

    public static void Validate(Request request) => Rules(request).ThrowIfInvalid();

    /// <summary>The field rules, collected without throwing (the billing sheet import reports them per cell).</summary>
    internal static Validator Rules(Request request)
    {
        var v = new Validator()
            .Quantity("quantity", request.Quantity, "Quantity")
            .Quantity("includedUnits", request.IncludedUnits, "Included units")
            .Quantity("minimum", request.Minimum, "Minimum")
            .Money("unitPrice", request.UnitPriceOverride, "Unit price")
            .MaxLength("description", request.Description, RecurringLine.DescriptionMaxLength, "Description")
            .MaxLength("reason", request.Reason, 1000, "Reason");
        if (request.ItemId == Guid.Empty)
        {
            v.Add("itemId", "Choose a catalog item.");
        }

        if (request.Source is { } source)
        {
            var metric = source.Metric?.Trim().ToLowerInvariant();
            if (source.ConnectionId == Guid.Empty)
            {
                v.Add("quantitySource.connectionId", "Choose the vendor connection the count comes from.");
            }

            if (metric is null || !Billing.SourceMetrics.All.Contains(metric))
            {
                v.Add("quantitySource.metric", $"Metric must be one of {string.Join(", ", Billing.SourceMetrics.All)}.");
            }

            foreach (var c in Billing.VendorBinding.SplitClasses(source.Classes).Where(c => !VendorSync.AssetClasses.All.Contains(c, StringComparer.OrdinalIgnoreCase)))
            {
                v.Add("quantitySource.filter.classes", $"'{c}' is not an asset class ({string.Join(", ", VendorSync.AssetClasses.All)}).");
            }

            if (metric == Billing.SourceMetrics.Licences && string.IsNullOrWhiteSpace(source.Product))
            {
                v.Add("quantitySource.product", "A licence line needs the product it counts (product id, SKU or name).");
            }

            if (source.Basis is { } basis && basis.Trim().ToLowerInvariant() is not (Billing.VendorBinding.Purchased or Billing.VendorBinding.Assigned))
            {
                v.Add("quantitySource.filter.basis", "Basis must be purchased or assigned.");
            }

            v.MaxLength("quantitySource.product", source.Product, 200, "Product");
        }

        if (request.EffectiveFrom is { } from && request.EffectiveTo is { } to && to <= from)
        {
            v.Add("effectiveTo", "Effective to must be after effective from (the end date is exclusive).");
        }

        return v;
    }

    public sealed class Handler(TenantDb tenantDb, AuditWriter audit, TimeProvider time)
    {
        public async Task<Guid> AddAsync(Guid clientId, Request request, CancellationToken cancellationToken = default)
        {
            Validate(request);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var agreement = await db.Agreements.SingleOrDefaultAsync(a => a.ClientId == clientId, cancellationToken)
                ?? throw new NotFoundException("Client", clientId);
            await EnsureItemAsync(db, request.ItemId, cancellationToken);
            await EnsureSourceAsync(db, request.Source, cancellationToken);

            var now = time.GetUtcNow().UtcDateTime;
            var line = new RecurringLine
            {
                AgreementId = agreement.Id,
                CreatedUtc = now,
            };
            Apply(line, request, FirstOfMonth(now));
            db.RecurringLines.Add(line);
            audit.Record(db, "line.created", nameof(RecurringLine), line.Id, null, Snapshot(line, clientId), request.Reason);
            await db.SaveChangesAsync(cancellationToken);
            return line.Id;
        }

        public async Task UpdateAsync(Guid clientId, Guid lineId, Request request, CancellationToken cancellationToken = default)
        {
            Validate(request);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var line = await FindAsync(db, clientId, lineId, cancellationToken);
            await EnsureItemAsync(db, request.ItemId, cancellationToken);
            await EnsureSourceAsync(db, request.Source, cancellationToken);
            var before = Snapshot(line, clientId);
            Apply(line, request, line.EffectiveFrom);
            var after = Snapshot(line, clientId);
            if (before != after)
            {
                audit.Record(db, "line.updated", nameof(RecurringLine), line.Id, before, after, request.Reason);
                await db.SaveChangesAsync(cancellationToken);
            }
        }

        public async Task RemoveAsync(Guid clientId, Guid lineId, string? reason, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var line = await FindAsync(db, clientId, lineId, cancellationToken);
            audit.Record(db, "line.deleted", nameof(RecurringLine), line.Id, Snapshot(line, clientId), null, reason);
            db.RecurringLines.Remove(line);
            await db.SaveChangesAsync(cancellationToken);
        }

        private static async Task<RecurringLine> FindAsync(AppDbContext db, Guid clientId, Guid lineId, CancellationToken cancellationToken) =>
            await db.RecurringLines
                .Where(l => l.Id == lineId && db.Agreements.Any(a => a.Id == l.AgreementId && a.ClientId == clientId))
                .SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("Line", lineId);

        private static async Task EnsureItemAsync(AppDbContext db, Guid itemId, CancellationToken cancellationToken)
        {
            if (!await db.CatalogItems.AnyAsync(i => i.Id == itemId, cancellationToken))
            {
                throw ValidationFailedException.For("itemId", "That catalog item does not exist.");
            }
        }
    }

    private static async Task EnsureSourceAsync(AppDbContext db, VendorSource? source, CancellationToken cancellationToken)
    {
        if (source is null)
        {
            return;
        }

        var kind = await db.VendorConnections.Where(c => c.Id == source.ConnectionId).Select(c => (VendorSync.VendorKind?)c.Kind).SingleOrDefaultAsync(cancellationToken)
            ?? throw ValidationFailedException.For("quantitySource.connectionId", "That vendor connection does not exist.");
        var metric = source.Metric.Trim().ToLowerInvariant();
        if (!Billing.SourceMetrics.For(kind).Contains(metric))
        {
            throw ValidationFailedException.For("quantitySource.metric",
                $"A {VendorSync.VendorKinds.DisplayName(kind)} connection counts {string.Join(", ", Billing.SourceMetrics.For(kind))}, not {metric}.");
        }
    }

    public static DateOnly FirstOfMonth(DateTime utc) => new(utc.Year, utc.Month, 1);

    internal static void Apply(RecurringLine line, Request request, DateOnly defaultFrom)
    {
        line.CatalogItemId = request.ItemId;
        line.Description = SaveClient.Clean(request.Description);
        line.UnitPriceOverride = request.UnitPriceOverride;
        line.SourceKind = request.Source is null ? QuantitySourceKind.Manual : QuantitySourceKind.Vendor;
        line.SourceConnectionId = request.Source?.ConnectionId;
        line.SourceMetric = request.Source?.Metric.Trim().ToLowerInvariant();
        line.SourceClasses = request.Source is { Classes: { } classes } && Billing.VendorBinding.SplitClasses(classes) is { Count: > 0 } list
            ? string.Join(",", list.Select(c => VendorSync.AssetClasses.All.First(a => string.Equals(a, c, StringComparison.OrdinalIgnoreCase))))
            : null;
        line.SourceProduct = SaveClient.Clean(request.Source?.Product);
        line.SourceBasis = request.Source is null ? null : request.Source.Basis?.Trim().ToLowerInvariant() ?? Billing.VendorBinding.Purchased;
        line.Quantity = request.Quantity;
        line.IncludedUnits = request.IncludedUnits;
        line.Minimum = request.Minimum;
        line.EffectiveFrom = request.EffectiveFrom ?? defaultFrom;
        line.EffectiveTo = request.EffectiveTo;
    }

    private static LineSnapshot Snapshot(RecurringLine l, Guid clientId) =>
        new(clientId, l.CatalogItemId, l.Description, l.UnitPriceOverride, l.SourceKind, l.Quantity, l.IncludedUnits, l.Minimum, l.EffectiveFrom, l.EffectiveTo,
            l.SourceConnectionId, l.SourceMetric, l.SourceClasses, l.SourceProduct, l.SourceBasis);

    private sealed record LineSnapshot(Guid ClientId, Guid ItemId, string? Description, decimal? UnitPriceOverride, QuantitySourceKind Source, decimal Quantity, decimal IncludedUnits, decimal Minimum, DateOnly EffectiveFrom, DateOnly? EffectiveTo,
        Guid? SourceConnectionId, string? SourceMetric, string? SourceClasses, string? SourceProduct, string? SourceBasis);
}
