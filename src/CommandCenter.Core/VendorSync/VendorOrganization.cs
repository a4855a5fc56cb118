using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.VendorSync;

/// <summary>
/// An organisation (NinjaOne organization, Pax8 company, Huntress organization, SonicWall tenant, Microsoft 365 customer
/// tenant) as a connection sees it, and the client it bills to. Mapped by the vendor's stable id, never by name.
/// </summary>
public sealed class VendorOrganization : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ConnectionId { get; set; }
    public required string ExternalId { get; set; }
    public required string Name { get; set; }
    /// <summary>The client this organisation's counts belong to; null = unmapped (a close blocker).</summary>
    public Guid? ClientId { get; set; }
    /// <summary>Marked as not a client (the MSP's own lab, a test org): leaves the Unmapped queue, bills nothing.</summary>
    public bool Ignored { get; set; }
    public DateTime? MappedUtc { get; set; }
    public string? MappedBy { get; set; }
    /// <summary>The best fuzzy name match among clients, refreshed at each sync (a suggestion only).</summary>
    public Guid? SuggestedClientId { get; set; }
    public int? SuggestionScore { get; set; }
    /// <summary>False when the last successful sync no longer returned it.</summary>
    public bool Active { get; set; } = true;
    public DateTime FirstSeenUtc { get; set; }
    public DateTime LastSeenUtc { get; set; }

    public const int ExternalIdMaxLength = 100;
    public const int NameMaxLength = 300;
}

internal sealed class VendorOrganizationConfiguration : IEntityTypeConfiguration<VendorOrganization>
{
    public void Configure(EntityTypeBuilder<VendorOrganization> builder)
    {
        builder.Property(o => o.ExternalId).HasMaxLength(VendorOrganization.ExternalIdMaxLength);
        builder.Property(o => o.Name).HasMaxLength(VendorOrganization.NameMaxLength);
        builder.Property(o => o.MappedBy).HasMaxLength(256);
        builder.HasIndex(o => new { o.TenantId, o.ConnectionId, o.ExternalId }).IsUnique();
        builder.HasIndex(o => new { o.TenantId, o.ClientId });
        // Deleting a client unmaps its organisations (they return to the Unmapped queue); suggestions are not keys.
        builder.HasOne<Clients.Client>().WithMany().HasForeignKey(o => o.ClientId).OnDelete(DeleteBehavior.SetNull);
    }
}

/// <summary>
/// What a vendor usage is sold as: a licence product (Pax8 productId, Graph skuId) or an asset class of a metric
/// (NinjaOne devices of class Server) ↔ a catalog item. Used to value "new revenue found" and unused licences.
/// </summary>
public sealed class UsageMapping : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ConnectionId { get; set; }
    public required string Metric { get; set; }
    /// <summary>Product id / skuId for licences; asset class for devices, agents and firewalls.</summary>
    public required string Key { get; set; }
    public required string Name { get; set; }
    public Guid? CatalogItemId { get; set; }
    public Guid? SuggestedCatalogItemId { get; set; }
    public int? SuggestionScore { get; set; }
    public DateTime? MappedUtc { get; set; }
    public string? MappedBy { get; set; }
}

internal sealed class UsageMappingConfiguration : IEntityTypeConfiguration<UsageMapping>
{
    public void Configure(EntityTypeBuilder<UsageMapping> builder)
    {
        builder.Property(m => m.Metric).HasMaxLength(32);
        builder.Property(m => m.Key).HasMaxLength(VendorOrganization.ExternalIdMaxLength);
        builder.Property(m => m.Name).HasMaxLength(VendorOrganization.NameMaxLength);
        builder.Property(m => m.MappedBy).HasMaxLength(256);
        builder.HasIndex(m => new { m.TenantId, m.ConnectionId, m.Metric, m.Key }).IsUnique();
        builder.HasOne<Clients.CatalogItem>().WithMany().HasForeignKey(m => m.CatalogItemId).OnDelete(DeleteBehavior.SetNull);
    }
}
