using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.Audit;

/// <summary>One manual change: who, when, what, before, after and why. Append-only: never updated or deleted.</summary>
public sealed class AuditEntry : ITenantOwned
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Actor { get; set; }
    public DateTime AtUtc { get; set; }
    /// <summary>A dotted verb, e.g. <c>client.created</c>, <c>line.updated</c>.</summary>
    public required string Action { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }
    /// <summary>JSON of the changed fields before the change; null for a creation.</summary>
    public string? Before { get; set; }
    /// <summary>JSON of the changed fields after the change; null for a deletion.</summary>
    public string? After { get; set; }
    public string? Reason { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.Property(a => a.Actor).HasMaxLength(256);
        builder.Property(a => a.Action).HasMaxLength(64);
        builder.Property(a => a.EntityType).HasMaxLength(64);
        builder.Property(a => a.EntityId).HasMaxLength(64);
        builder.Property(a => a.Reason).HasMaxLength(1000);
        builder.HasIndex(a => new { a.TenantId, a.AtUtc });
        builder.HasIndex(a => new { a.TenantId, a.EntityType, a.EntityId });
    }
}
