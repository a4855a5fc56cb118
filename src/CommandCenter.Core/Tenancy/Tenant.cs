using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.Tenancy;

/// <summary>One MSP using Command Center.</summary>
public sealed class Tenant
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public DateTime CreatedUtc { get; set; }
    /// <summary>T&amp;M rate for clients without their own.</summary>
    public decimal DefaultHourlyRate { get; set; } = DefaultRate;

    public const decimal DefaultRate = 150m;

    /// <summary>Origins (space-separated) allowed to frame the embeddable ticket close, e.g. an external PSA's host.</summary>
    public string? EmbedOrigins { get; set; }
}

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> builder)
    {
        builder.Property(t => t.Name).HasMaxLength(200);
        builder.Property(t => t.EmbedOrigins).HasMaxLength(1000);
        builder.Property(t => t.DefaultHourlyRate).HasPrecision(19, 4);
    }
}
