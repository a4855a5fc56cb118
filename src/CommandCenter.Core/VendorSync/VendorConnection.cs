using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.VendorSync;

public enum SyncStatus
{
    Never = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
}

/// <summary>
/// A tenant's link to one vendor account: where it is, how to sign in (credentials protected with Data Protection,
/// never returned, never logged), how often to sync, its limits, and its health.
/// </summary>
public sealed class VendorConnection : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public VendorKind Kind { get; set; }
    public required string Name { get; set; }
    /// <summary>The API base, e.g. https://eu.ninjarmm.com or https://api.pax8.com/v1 (SonicWall: the NSM host).</summary>
    public required string BaseUrl { get; set; }
    /// <summary>Token endpoint (NinjaOne, Pax8), authority (Graph: https://login.microsoftonline.com) or MySonicWall base; null = the vendor default.</summary>
    public string? TokenUrl { get; set; }
    /// <summary>SonicWall only: the NSM inventory path (not publicly documented, so configurable).</summary>
    public string? InventoryPath { get; set; }
    /// <summary>The credentials as a Data Protection payload.</summary>
    public required string ProtectedCredentials { get; set; }
    /// <summary>A safe hint of which credentials are stored ("client id ninja…c1"), never the secret.</summary>
    public string? CredentialHint { get; set; }
    public int ScheduleMinutes { get; set; } = DefaultScheduleMinutes;
    public bool Enabled { get; set; } = true;
    /// <summary>Requests per minute this client allows itself; null = the vendor's documented limit; 0 = none.</summary>
    public int? RequestsPerMinute { get; set; }
    public int? PageSize { get; set; }
    public int TimeoutSeconds { get; set; } = DefaultTimeoutSeconds;
    public int MaxRetries { get; set; } = DefaultMaxRetries;
    /// <summary>Bumped on every settings change, so HTTP pipelines built for older settings are not reused.</summary>
    public int SettingsVersion { get; set; } = 1;
    public DateTime CreatedUtc { get; set; }
    public DateTime UpdatedUtc { get; set; }

    public SyncStatus LastStatus { get; set; }
    public DateTime? LastSyncStartedUtc { get; set; }
    public DateTime? LastSuccessUtc { get; set; }
    public DateTime? LastFailureUtc { get; set; }
    /// <summary>The vendor's own message of the last failed sync (cleared by a success).</summary>
    public string? LastError { get; set; }
    public long? LastDurationMs { get; set; }
    public int? LastItemsFetched { get; set; }
    public int? LastOrganizations { get; set; }

    public const int DefaultScheduleMinutes = 15;
    public const int DefaultTimeoutSeconds = 30;
    public const int DefaultMaxRetries = 4;
    public const int NameMaxLength = 100;
    public const int UrlMaxLength = 500;
    public const int ErrorMaxLength = 2000;
}

internal sealed class VendorConnectionConfiguration : IEntityTypeConfiguration<VendorConnection>
{
    public void Configure(EntityTypeBuilder<VendorConnection> builder)
    {
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.LastStatus).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Name).HasMaxLength(VendorConnection.NameMaxLength);
        builder.Property(c => c.BaseUrl).HasMaxLength(VendorConnection.UrlMaxLength);
        builder.Property(c => c.TokenUrl).HasMaxLength(VendorConnection.UrlMaxLength);
        builder.Property(c => c.InventoryPath).HasMaxLength(VendorConnection.UrlMaxLength);
        builder.Property(c => c.ProtectedCredentials).HasMaxLength(8000);
        builder.Property(c => c.CredentialHint).HasMaxLength(100);
        builder.Property(c => c.LastError).HasMaxLength(VendorConnection.ErrorMaxLength);
        builder.HasIndex(c => new { c.TenantId, c.Name }).IsUnique();
    }
}

/// <summary>One run of a connection's sync, kept for health and history.</summary>
public sealed class SyncRun : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ConnectionId { get; set; }
    public SyncStatus Status { get; set; }
    /// <summary>"schedule", "manual", "api", "startup".</summary>
    public required string Trigger { get; set; }
    public DateTime StartedUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }
    public int Organizations { get; set; }
    public int Pages { get; set; }
    public int Items { get; set; }
    public string? Error { get; set; }
}

internal sealed class SyncRunConfiguration : IEntityTypeConfiguration<SyncRun>
{
    public void Configure(EntityTypeBuilder<SyncRun> builder)
    {
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Trigger).HasMaxLength(16);
        builder.Property(r => r.Error).HasMaxLength(VendorConnection.ErrorMaxLength);
        builder.HasIndex(r => new { r.TenantId, r.ConnectionId, r.StartedUtc });
    }
}
