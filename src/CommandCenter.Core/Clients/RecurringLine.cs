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

    public const int DescriptionMaxLength = 400;

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
    }
}
