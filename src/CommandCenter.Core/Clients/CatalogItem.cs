using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.Clients;

/// <summary>Something the MSP sells, with its list price, its cost and the accounting item it posts to.</summary>
public sealed class CatalogItem : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public required string Name
    {
        get;
        set
        {
            field = value;
            NormalizedName = Client.Normalize(value);
        }
    }

    public string NormalizedName { get; private set; } = "";
    public decimal UnitPrice { get; set; }
    public decimal UnitCost { get; set; }
    /// <summary>The item's id in the accounting system; mapped explicitly, never matched by name.</summary>
    public string? AccountingItemRef { get; set; }
    public bool Taxable { get; set; }
    public DateTime CreatedUtc { get; set; }

    public const int NameMaxLength = 200;
}

internal sealed class CatalogItemConfiguration : IEntityTypeConfiguration<CatalogItem>
{
    public void Configure(EntityTypeBuilder<CatalogItem> builder)
    {
        builder.Property(i => i.Name).HasMaxLength(CatalogItem.NameMaxLength);
        builder.Property(i => i.AccountingItemRef).HasMaxLength(100);
        builder.Property(i => i.UnitPrice).HasPrecision(19, 4);
        builder.Property(i => i.UnitCost).HasPrecision(19, 4);
        builder.Property(i => i.NormalizedName).HasMaxLength(CatalogItem.NameMaxLength);
        builder.HasIndex(i => new { i.TenantId, i.NormalizedName }).IsUnique();
    }
}
