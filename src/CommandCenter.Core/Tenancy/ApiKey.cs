using System.Security.Cryptography;
using System.Text;
using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.Tenancy;

/// <summary>A tenant API key for automation. Only its SHA-256 hash is stored; the key is shown once.</summary>
public sealed class ApiKey : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    /// <summary>The first characters of the key, so people can tell keys apart without the secret.</summary>
    public required string Prefix { get; set; }
    public required string Hash { get; set; }
    /// <summary>What the key may do, as a user of that role: Owner, Billing or Technician (<see cref="Roles"/>).</summary>
    public string Role { get; set; } = Roles.Owner;
    public DateTime CreatedUtc { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime? RevokedUtc { get; set; }
    public DateTime? LastUsedUtc { get; set; }

    // Keys are 256-bit random values, so a plain SHA-256 is enough (no password stretching needed).
    public static string HashKey(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string NewKey() => "cc_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string PrefixOf(string key) => key.Length <= 8 ? key : key[..8];
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.Property(k => k.Name).HasMaxLength(100);
        builder.Property(k => k.Prefix).HasMaxLength(16);
        builder.Property(k => k.Hash).HasMaxLength(64);
        builder.Property(k => k.CreatedBy).HasMaxLength(256);
        builder.Property(k => k.Role).HasMaxLength(20);
        builder.HasIndex(k => k.Hash).IsUnique();
        builder.HasIndex(k => k.TenantId);
    }
}
