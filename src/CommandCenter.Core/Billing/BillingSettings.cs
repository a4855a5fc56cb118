using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.Billing;

/// <summary>
/// A tenant's billing settings (billing-rules.md, "Flags and thresholds"): one row per tenant, created with defaults
/// the first time it is read. Clients override the time increment, per-ticket minimum and payment terms.
/// </summary>
public sealed class BillingSettings : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TenantId { get; set; }
    /// <summary>A source whose newest snapshot is older than this flags its lines.</summary>
    public int StaleAfterHours { get; set; } = 24;
    /// <summary>A vendor count that fell by at least this percent (or to 0) against last month is held for a decision.</summary>
    public decimal DropPercent { get; set; } = 50;
    /// <summary>A change is highlighted when it moves the amount by at least this percent…</summary>
    public decimal HighlightPercent { get; set; }
    /// <summary>…and by at least this amount (0 and 0: every change is highlighted).</summary>
    public decimal HighlightAmount { get; set; }
    public int PaymentTermsDays { get; set; } = 30;
    public int TimeIncrementMinutes { get; set; } = 15;
    public int TicketMinimumMinutes { get; set; }
    /// <summary>Invoice numbers are the prefix and a running number, at most 11 characters (QuickBooks Desktop's RefNumber).</summary>
    public string InvoicePrefix { get; set; } = "CC-";
    public int NextInvoiceNumber { get; set; } = 1001;
    /// <summary>ISO 4217; one currency per tenant.</summary>
    public string Currency { get; set; } = "USD";
    /// <summary>IANA time zone the MSP bills in (the month's boundaries and "today").</summary>
    public string TimeZone { get; set; } = "UTC";
    /// <summary>The catalog item T&amp;M and block overage lines post to (the accounting target needs an item).</summary>
    public Guid? TimeItemId { get; set; }
    /// <summary>The catalog item a prepaid block purchase posts to.</summary>
    public Guid? BlockItemId { get; set; }
    public DateTime UpdatedUtc { get; set; }

    /// <summary>QuickBooks Desktop's invoice RefNumber holds 11 characters.</summary>
    public const int InvoiceNumberMaxLength = 11;

    public static string FormatNumber(string prefix, int number) => prefix + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

internal sealed class BillingSettingsConfiguration : IEntityTypeConfiguration<BillingSettings>
{
    public void Configure(EntityTypeBuilder<BillingSettings> builder)
    {
        builder.HasIndex(s => s.TenantId).IsUnique();
        builder.Property(s => s.DropPercent).HasPrecision(9, 4);
        builder.Property(s => s.HighlightPercent).HasPrecision(9, 4);
        builder.Property(s => s.HighlightAmount).HasPrecision(19, 4);
        builder.Property(s => s.InvoicePrefix).HasMaxLength(BillingSettings.InvoiceNumberMaxLength);
        builder.Property(s => s.Currency).HasMaxLength(3);
        builder.Property(s => s.TimeZone).HasMaxLength(64);
        builder.HasOne<Tenancy.Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
