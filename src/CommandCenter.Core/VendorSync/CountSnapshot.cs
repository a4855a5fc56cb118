using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.VendorSync;

/// <summary>
/// A vendor count for (connection, organisation, metric) at one sync, with the whole evidence list: every asset or
/// licence subscription the vendor returned, counted or not, with its attributes — so a billing filter can be applied
/// later without a re-sync (billing-rules.md, Counting). Written only as part of a complete sync.
/// </summary>
public sealed class CountSnapshot : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ConnectionId { get; set; }
    public Guid SyncRunId { get; set; }
    public required string OrganizationExternalId { get; set; }
    public required string Metric { get; set; }
    /// <summary>The default count: counted assets, or the summed purchased quantity of counted subscriptions.</summary>
    public decimal Count { get; set; }
    public DateTime TakenUtc { get; set; }
    public List<VendorAsset> Assets { get; set; } = [];
    public List<LicenceSubscription> Licences { get; set; } = [];
}

/// <summary>One device, agent or firewall as the vendor reported it, normalized.</summary>
public sealed class VendorAsset
{
    public required string ExternalId { get; set; }
    public required string Name { get; set; }
    /// <summary>Billing class (<see cref="AssetClasses"/>).</summary>
    public required string Class { get; set; }
    /// <summary>The vendor's own class or platform, verbatim (NinjaOne nodeClass, Huntress platform, firewall model).</summary>
    public string? VendorClass { get; set; }
    /// <summary>The vendor's status verbatim (NinjaOne approvalStatus, "online"/"offline").</summary>
    public string? Status { get; set; }
    /// <summary>Whether the default rule counts it (e.g. NinjaOne APPROVED only).</summary>
    public bool Counted { get; set; }
    public bool? Online { get; set; }
    public DateTime? LastSeenUtc { get; set; }
    public string? OperatingSystem { get; set; }
    public string? Serial { get; set; }
}

/// <summary>One licence subscription (Pax8) or SKU (Microsoft Graph) as the vendor reported it.</summary>
public sealed class LicenceSubscription
{
    public required string ExternalId { get; set; }
    /// <summary>Stable product key: Pax8 productId, Graph skuId.</summary>
    public required string ProductId { get; set; }
    public required string ProductName { get; set; }
    public string? Sku { get; set; }
    /// <summary>Microsoft skuId when known (Pax8 vendorSkuId, Graph skuId): joins Pax8 to Graph.</summary>
    public string? VendorSkuId { get; set; }
    /// <summary>Purchased seats (Pax8 quantity, Graph prepaidUnits.enabled).</summary>
    public decimal Quantity { get; set; }
    /// <summary>Assigned seats (Graph consumedUnits); null where the vendor does not know.</summary>
    public decimal? Assigned { get; set; }
    /// <summary>Graph prepaidUnits.warning: expired but usable in grace; not billed by default.</summary>
    public decimal? Warning { get; set; }
    public string? Status { get; set; }
    public bool Counted { get; set; }
    public string? BillingTerm { get; set; }
    public string? CommitmentTerm { get; set; }
    public DateOnly? StartDate { get; set; }
    /// <summary>End of the current term (renewal), when the vendor says.</summary>
    public DateOnly? RenewalDate { get; set; }
    public decimal? UnitPrice { get; set; }
    public decimal? UnitCost { get; set; }
    public string? Currency { get; set; }
}

internal sealed class CountSnapshotConfiguration : IEntityTypeConfiguration<CountSnapshot>
{
    public void Configure(EntityTypeBuilder<CountSnapshot> builder)
    {
        builder.Property(s => s.OrganizationExternalId).HasMaxLength(VendorOrganization.ExternalIdMaxLength);
        builder.Property(s => s.Metric).HasMaxLength(32);
        builder.HasIndex(s => new { s.TenantId, s.ConnectionId, s.OrganizationExternalId, s.Metric, s.TakenUtc });
        builder.HasIndex(s => s.SyncRunId);
        // The evidence is read whole, with its snapshot: one JSON document per snapshot keeps a 100,000-device sync one short write.
        builder.OwnsMany(s => s.Assets, a => a.ToJson());
        builder.OwnsMany(s => s.Licences, l => l.ToJson());
    }
}

/// <summary>A snapshot without its evidence: enough to pick the newest one of each key.</summary>
public sealed record SnapshotHead(Guid Id, Guid ConnectionId, string OrganizationExternalId, string Metric, DateTime TakenUtc, decimal Count);

internal static class SnapshotQueries
{
    /// <summary>
    /// The newest snapshot of each (connection, organisation, metric) among <paramref name="scope"/>, read without the
    /// evidence JSON (older snapshots of the same keys are kept for history until pruned).
    /// </summary>
    public static async Task<List<SnapshotHead>> NewestAsync(IQueryable<CountSnapshot> scope, CancellationToken cancellationToken)
    {
        var heads = await scope.AsNoTracking()
            .Select(s => new SnapshotHead(s.Id, s.ConnectionId, s.OrganizationExternalId, s.Metric, s.TakenUtc, s.Count))
            .ToListAsync(cancellationToken);
        return heads.GroupBy(h => (h.ConnectionId, h.OrganizationExternalId, h.Metric)).Select(g => g.MaxBy(h => h.TakenUtc)!).ToList();
    }
}
