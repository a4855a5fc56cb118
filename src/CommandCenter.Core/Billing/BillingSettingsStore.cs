using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Billing;

/// <summary>Reads (creating with defaults) and saves a tenant's Billing settings; validated and audited.</summary>
public static class BillingSettingsStore
{
    public sealed record Request(
        int StaleAfterHours,
        decimal DropPercent,
        decimal HighlightPercent,
        decimal HighlightAmount,
        int PaymentTermsDays,
        int TimeIncrementMinutes,
        int TicketMinimumMinutes,
        string InvoicePrefix,
        int NextInvoiceNumber,
        string Currency,
        string TimeZone,
        Guid? TimeItemId,
        Guid? BlockItemId,
        string? Reason = null);

    public static async Task<BillingSettings> GetOrCreateAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var settings = await db.BillingSettings.SingleOrDefaultAsync(cancellationToken);
        if (settings is not null)
        {
            return settings;
        }

        settings = new BillingSettings();
        db.BillingSettings.Add(settings);
        return settings;
    }

    public static Request ToRequest(BillingSettings s) => new(s.StaleAfterHours, s.DropPercent, s.HighlightPercent, s.HighlightAmount, s.PaymentTermsDays,
        s.TimeIncrementMinutes, s.TicketMinimumMinutes, s.InvoicePrefix, s.NextInvoiceNumber, s.Currency, s.TimeZone, s.TimeItemId, s.BlockItemId);

    public static void Validate(Request r)
    {
        var v = new Validator();
        v.Range("staleAfterHours", r.StaleAfterHours, 1, 24 * 31, "Stale after", " hours");

        if (r.DropPercent is <= 0 or > 100)
        {
            v.Add("dropPercent", "The drop threshold must be above 0 and at most 100 %.");
        }

        if (r.HighlightPercent is < 0 or > 1000)
        {
            v.Add("highlightPercent", "The highlight percent must be between 0 and 1000.");
        }

        v.Money("highlightAmount", r.HighlightAmount, "Highlight amount");
        TermsRules(v, r.TimeIncrementMinutes, r.TicketMinimumMinutes, r.PaymentTermsDays);
        var prefix = r.InvoicePrefix ?? "";
        if (prefix.Any(ch => char.IsWhiteSpace(ch) || char.IsControl(ch)))
        {
            v.Add("invoicePrefix", "The invoice prefix cannot contain spaces.");
        }

        if (r.NextInvoiceNumber is < 1)
        {
            v.Add("nextInvoiceNumber", "The next invoice number must be 1 or more.");
        }
        else if (BillingSettings.FormatNumber(prefix, r.NextInvoiceNumber).Length > BillingSettings.InvoiceNumberMaxLength)
        {
            v.Add("invoicePrefix", $"Prefix and number must fit QuickBooks Desktop's {BillingSettings.InvoiceNumberMaxLength} characters (\"{BillingSettings.FormatNumber(prefix, r.NextInvoiceNumber)}\" has {BillingSettings.FormatNumber(prefix, r.NextInvoiceNumber).Length}).");
        }

        if (r.Currency is null || r.Currency.Length != 3 || !r.Currency.All(char.IsAsciiLetterUpper))
        {
            v.Add("currency", "Currency must be a three-letter ISO code such as USD.");
        }

        if (string.IsNullOrWhiteSpace(r.TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(r.TimeZone, out _))
        {
            v.Add("timeZone", $"'{r.TimeZone}' is not a known time zone (use an IANA name such as America/Chicago).");
        }

        v.MaxLength("reason", r.Reason, 1000, "Reason");
        v.ThrowIfInvalid();
    }

    /// <summary>Time increment, per-ticket minimum and payment terms: the same bounds for the tenant and for a client's override.</summary>
    public static Validator TermsRules(Validator v, int? incrementMinutes, int? minimumMinutes, int? paymentTermsDays) => v
        .Range("timeIncrementMinutes", incrementMinutes, 1, 240, "The time increment", " minutes")
        .Range("ticketMinimumMinutes", minimumMinutes, 0, 480, "The per-ticket minimum", " minutes")
        .Range("paymentTermsDays", paymentTermsDays, 0, 365, "Payment terms", " days");

    public sealed class Handler(TenantDb tenantDb, AuditWriter audit, TimeProvider time)
    {
        public async Task<BillingSettings> GetAsync(CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var settings = await GetOrCreateAsync(db, cancellationToken);
            if (db.Entry(settings).State == EntityState.Added)
            {
                settings.UpdatedUtc = time.GetUtcNow().UtcDateTime;
                await db.SaveChangesAsync(cancellationToken);
            }

            return settings;
        }

        public async Task<BillingSettings> SaveAsync(Request request, CancellationToken cancellationToken = default)
        {
            Validate(request);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            foreach (var (field, id) in new[] { ("timeItemId", request.TimeItemId), ("blockItemId", request.BlockItemId) })
            {
                if (id is { } itemId && !await db.CatalogItems.AnyAsync(i => i.Id == itemId, cancellationToken))
                {
                    throw ValidationFailedException.For(field, "That catalog item does not exist.");
                }
            }

            var settings = await GetOrCreateAsync(db, cancellationToken);
            var before = ToRequest(settings);
            settings.StaleAfterHours = request.StaleAfterHours;
            settings.DropPercent = request.DropPercent;
            settings.HighlightPercent = request.HighlightPercent;
            settings.HighlightAmount = request.HighlightAmount;
            settings.PaymentTermsDays = request.PaymentTermsDays;
            settings.TimeIncrementMinutes = request.TimeIncrementMinutes;
            settings.TicketMinimumMinutes = request.TicketMinimumMinutes;
            settings.InvoicePrefix = request.InvoicePrefix ?? "";
            settings.NextInvoiceNumber = request.NextInvoiceNumber;
            settings.Currency = request.Currency;
            settings.TimeZone = request.TimeZone.Trim();
            settings.TimeItemId = request.TimeItemId;
            settings.BlockItemId = request.BlockItemId;
            settings.UpdatedUtc = time.GetUtcNow().UtcDateTime;
            var after = ToRequest(settings);
            if (before != after || db.Entry(settings).State == EntityState.Added)
            {
                audit.Record(db, "billing.settings-changed", nameof(BillingSettings), settings.Id, before with { Reason = null }, after, request.Reason);
                await db.SaveChangesAsync(cancellationToken);
            }

            return settings;
        }
    }
}
