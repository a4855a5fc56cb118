using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.Billing;

/// <summary>
/// A charge billed once (project work, hardware) or a credit (negative: goodwill, cancelled licence), dated in the
/// month it bills. Pending until the month it belongs to is posted; then it carries that invoice.
/// </summary>
public sealed class OneOffCharge : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ClientId { get; set; }
    public DateOnly Date { get; set; }
    public required string Description { get; set; }
    public Guid? CatalogItemId { get; set; }
    public decimal Quantity { get; set; } = 1;
    /// <summary>Negative for a credit.</summary>
    public decimal UnitPrice { get; set; }
    public DateTime CreatedUtc { get; set; }
    public string? CreatedBy { get; set; }
    /// <summary>The posted invoice that billed it; null while pending.</summary>
    public Guid? BilledInvoiceId { get; set; }

    public decimal Amount => Money.RoundCents(Quantity * UnitPrice);

    public const int DescriptionMaxLength = 400;
}

internal sealed class OneOffChargeConfiguration : IEntityTypeConfiguration<OneOffCharge>
{
    public void Configure(EntityTypeBuilder<OneOffCharge> builder)
    {
        builder.Property(c => c.Description).HasMaxLength(OneOffCharge.DescriptionMaxLength);
        builder.Property(c => c.Quantity).HasPrecision(19, 4);
        builder.Property(c => c.UnitPrice).HasPrecision(19, 4);
        builder.Property(c => c.CreatedBy).HasMaxLength(256);
        builder.Ignore(c => c.Amount);
        builder.HasIndex(c => new { c.TenantId, c.Date });
        builder.HasOne<Clients.Client>().WithMany().HasForeignKey(c => c.ClientId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Clients.CatalogItem>().WithMany().HasForeignKey(c => c.CatalogItemId).OnDelete(DeleteBehavior.Restrict);
    }
}
