using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.Accounting;

/// <summary>The accounting system a tenant's invoices are posted to.</summary>
public enum AccountingKind
{
    /// <summary>QuickBooks Desktop through Conductor (secret key + end-user id).</summary>
    Conductor = 0,

    /// <summary>QuickBooks Online (OAuth authorization code, realm id).</summary>
    Qbo = 1,

    /// <summary>Xero (OAuth authorization code, xero-tenant-id).</summary>
    Xero = 2,

    /// <summary>An IIF file the owner imports into QuickBooks Desktop (no API: an export ledger instead).</summary>
    Iif = 3,
}

public enum AccountingStatus
{
    /// <summary>Saved, never checked.</summary>
    Unchecked = 0,

    /// <summary>The last call to the target succeeded.</summary>
    Connected = 1,

    /// <summary>OAuth targets: the owner still has to authorise access (or the refresh token was revoked).</summary>
    NeedsAuthorization = 2,

    /// <summary>The last call failed; <see cref="AccountingConnection.LastError"/> says why.</summary>
    Failed = 3,
}

/// <summary>
/// A tenant's one accounting target: where it is, its credentials (a Data Protection payload, never returned or logged;
/// OAuth tokens are rotated into it), its health and when its customers and items were last imported. Mappings live
/// on the mapped rows (<see cref="Clients.Client.AccountingCustomerRef"/>, <see cref="Clients.CatalogItem.AccountingItemRef"/>).
/// </summary>
public sealed class AccountingConnection : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public AccountingKind Kind { get; set; }
    /// <summary>API base: https://api.conductor.is/v1, https://quickbooks.api.intuit.com, https://api.xero.com/api.xro/2.0 (none for IIF).</summary>
    public string? BaseUrl { get; set; }
    /// <summary>OAuth token endpoint (QBO, Xero); null = the vendor default.</summary>
    public string? TokenUrl { get; set; }
    /// <summary>OAuth authorize endpoint (QBO, Xero); null = the vendor default.</summary>
    public string? AuthorizeUrl { get; set; }
    /// <summary>The <see cref="AccountingCredentials"/> as a Data Protection payload.</summary>
    public string? ProtectedCredentials { get; set; }
    /// <summary>A safe hint of what is stored ("end user end_…fg", "realm 9130…00"), never a secret.</summary>
    public string? CredentialHint { get; set; }
    public int TimeoutSeconds { get; set; } = DefaultTimeoutSeconds;
    public AccountingStatus Status { get; set; }
    public DateTime? LastCheckedUtc { get; set; }
    public string? LastError { get; set; }
    public DateTime? CustomersImportedUtc { get; set; }
    public DateTime? ItemsImportedUtc { get; set; }
    /// <summary>The target's item for lines without a catalog item (a one-off charge typed by hand).</summary>
    public string? FallbackItemRef { get; set; }
    /// <summary>IIF: the A/R account of the TRNS rows.</summary>
    public string IifArAccount { get; set; } = "Accounts Receivable";
    /// <summary>IIF: the income account of SPL rows whose item has none in the imported list.</summary>
    public string IifIncomeAccount { get; set; } = "Services";
    /// <summary>IIF: date format of DATE/DUEDATE (the importing PC's locale decides; US default).</summary>
    public string IifDateFormat { get; set; } = "MM/dd/yyyy";
    /// <summary>Bumped on every settings change (HTTP pipelines and cached tokens of older settings are not reused).</summary>
    public int SettingsVersion { get; set; } = 1;
    public DateTime CreatedUtc { get; set; }
    public DateTime UpdatedUtc { get; set; }

    public const int DefaultTimeoutSeconds = 100;
    public const int UrlMaxLength = 500;
    public const int ErrorMaxLength = 2000;
}

internal sealed class AccountingConnectionConfiguration : IEntityTypeConfiguration<AccountingConnection>
{
    public void Configure(EntityTypeBuilder<AccountingConnection> builder)
    {
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(24);
        builder.Property(c => c.BaseUrl).HasMaxLength(AccountingConnection.UrlMaxLength);
        builder.Property(c => c.TokenUrl).HasMaxLength(AccountingConnection.UrlMaxLength);
        builder.Property(c => c.AuthorizeUrl).HasMaxLength(AccountingConnection.UrlMaxLength);
        builder.Property(c => c.ProtectedCredentials).HasMaxLength(8000);
        builder.Property(c => c.CredentialHint).HasMaxLength(100);
        builder.Property(c => c.LastError).HasMaxLength(AccountingConnection.ErrorMaxLength);
        builder.Property(c => c.FallbackItemRef).HasMaxLength(100);
        builder.Property(c => c.IifArAccount).HasMaxLength(100);
        builder.Property(c => c.IifIncomeAccount).HasMaxLength(100);
        builder.Property(c => c.IifDateFormat).HasMaxLength(20);
        builder.HasIndex(c => c.TenantId).IsUnique();
    }
}

public static class AccountingRecordKinds
{
    public const string Customer = "customer";
    public const string Item = "item";
}

/// <summary>A customer or an item as imported from the accounting target: what mappings point at (by external id, never by name).</summary>
public sealed class AccountingRecord : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    public Guid ConnectionId { get; set; }
    /// <summary><see cref="AccountingRecordKinds"/>: customer | item.</summary>
    public required string Kind { get; set; }
    public required string ExternalId { get; set; }
    public required string Name { get; set; }
    public bool Active { get; set; } = true;
    /// <summary>Items: the target's item type (service, non-inventory, other charge…).</summary>
    public string? Type { get; set; }
    /// <summary>Items: the income account (IIF SPL ACCNT).</summary>
    public string? IncomeAccount { get; set; }
    public decimal? Price { get; set; }
    public DateTime ImportedUtc { get; set; }
}

internal sealed class AccountingRecordConfiguration : IEntityTypeConfiguration<AccountingRecord>
{
    public void Configure(EntityTypeBuilder<AccountingRecord> builder)
    {
        builder.Property(r => r.Kind).HasMaxLength(16);
        builder.Property(r => r.ExternalId).HasMaxLength(100);
        builder.Property(r => r.Name).HasMaxLength(300);
        builder.Property(r => r.Type).HasMaxLength(50);
        builder.Property(r => r.IncomeAccount).HasMaxLength(200);
        builder.Property(r => r.Price).HasPrecision(19, 5);
        builder.HasIndex(r => new { r.TenantId, r.ConnectionId, r.Kind, r.ExternalId }).IsUnique();
    }
}
