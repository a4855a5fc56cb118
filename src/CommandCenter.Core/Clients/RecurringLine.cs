using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.Clients;

/// <summary>Where a line's quantity comes from. Vendor binding arrives with the billing engine.</summary>
public enum QuantitySourceKind
{
    Manual = 0,
    Vendor = 1,
}

/// <summary>A recurring line of an agreement: item, price, quantity rule and effective dates (half-open [from, to)).</summary>
public sealed class RecurringLine : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid AgreementId { get; set; }
    public Guid CatalogItemId { get; set; }
    public CatalogItem? Item { get; set; }
    /// <summary>Overrides the catalog item's name on the invoice when set.</summary>
    public string? Description { get; set; }
    /// <summary>Overrides the catalog price when set.</summary>
    public decimal? UnitPriceOverride { get; set; }
    public QuantitySourceKind SourceKind { get; set; }
    /// <summary>The quantity a person keeps (manual source).</summary>
    public decimal Quantity { get; set; }
    public decimal IncludedUnits { get; set; }
    public decimal Minimum { get; set; }
    public DateOnly EffectiveFrom { get; set; }
    /// <summary>Exclusive end; null while the line runs.</summary>
    public DateOnly? EffectiveTo { get; set; }
    public DateTime CreatedUtc { get; set; }
    /// <summary>Vendor source: the connection whose snapshots give the count (null for manual lines).</summary>
    public Guid? SourceConnectionId { get; set; }
    /// <summary>Vendor source metric as the API names it (<see cref="Billing.SourceMetrics"/>).</summary>
    public string? SourceMetric { get; set; }
    /// <summary>Vendor source filter: asset classes counted (comma-separated; empty = the metric's default).</summary>
    public string? SourceClasses { get; set; }
    /// <summary>Vendor source filter for licences: the product (id, SKU or name) counted.</summary>
    public string? SourceProduct { get; set; }
    /// <summary>Licences: bill what was <c>purchased</c> (default) or what is <c>assigned</c>.</summary>
    public string? SourceBasis { get; set; }

    public const int DescriptionMaxLength = 400;

    /// <summary>The vendor binding of a vendor-sourced line.</summary>
    public Billing.VendorBinding? Binding => SourceKind == QuantitySourceKind.Vendor && SourceConnectionId is { } connection && SourceMetric is { } metric
        ? new Billing.VendorBinding(connection, metric, Billing.VendorBinding.SplitClasses(SourceClasses), SourceProduct, SourceBasis ?? Billing.VendorBinding.Purchased)
        : null;

    /// <summary>billed quantity = max(minimum, max(0, count − included)) (billing-rules.md).</summary>
    public static decimal BilledQuantity(decimal count, decimal included, decimal minimum) => Math.Max(minimum, Math.Max(0, count - included));
}

internal sealed class RecurringLineConfiguration : IEntityTypeConfiguration<RecurringLine>
{
    public void Configure(EntityTypeBuilder<RecurringLine> builder)
    {
        builder.Property(l => l.Description).HasMaxLength(RecurringLine.DescriptionMaxLength);
        builder.Property(l => l.UnitPriceOverride).HasPrecision(19, 4);
        builder.Property(l => l.Quantity).HasPrecision(19, 4);
        builder.Property(l => l.IncludedUnits).HasPrecision(19, 4);
        builder.Property(l => l.Minimum).HasPrecision(19, 4);
        builder.Property(l => l.SourceKind).HasConversion<string>().HasMaxLength(16);
        builder.HasOne(l => l.Item).WithMany().HasForeignKey(l => l.CatalogItemId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(l => l.AgreementId);
        builder.Property(l => l.SourceMetric).HasMaxLength(32);
        builder.Property(l => l.SourceClasses).HasMaxLength(200);
        builder.Property(l => l.SourceProduct).HasMaxLength(200);
        builder.Property(l => l.SourceBasis).HasMaxLength(16);
        builder.Ignore(l => l.Binding);
        builder.HasOne<VendorSync.VendorConnection>().WithMany().HasForeignKey(l => l.SourceConnectionId).OnDelete(DeleteBehavior.SetNull);
    }
}
