using CommandCenter.Audit;
using CommandCenter.Billing;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Clients;

/// <summary>
/// A client's own agreement terms: time increment, per-ticket minimum and payment terms, each overriding the tenant's
/// Billing settings when set (null follows the settings). Validated like the settings and audited.
/// </summary>
public static class SaveAgreementTerms
{
    public sealed record Request(int? TimeIncrementMinutes, int? TicketMinimumMinutes, int? PaymentTermsDays, string? Reason = null);

    /// <summary>The client's overrides (null = tenant default) beside the tenant's Billing settings; the Effective values are what billing uses.</summary>
    public sealed record Terms(
        int? TimeIncrementMinutes,
        int? TicketMinimumMinutes,
        int? PaymentTermsDays,
        int DefaultTimeIncrementMinutes,
        int DefaultTicketMinimumMinutes,
        int DefaultPaymentTermsDays)
    {
        public int EffectiveTimeIncrementMinutes => TimeIncrementMinutes ?? DefaultTimeIncrementMinutes;
        public int EffectiveTicketMinimumMinutes => TicketMinimumMinutes ?? DefaultTicketMinimumMinutes;
        public int EffectivePaymentTermsDays => PaymentTermsDays ?? DefaultPaymentTermsDays;
    }

    public static void Validate(Request r)
    {
        var v = Billing.BillingSettingsStore.TermsRules(new Validator(), r.TimeIncrementMinutes, r.TicketMinimumMinutes, r.PaymentTermsDays);
        v.MaxLength("reason", r.Reason, 1000, "Reason");
        v.ThrowIfInvalid();
    }

    public sealed class Handler(TenantDb tenantDb, AuditWriter audit)
    {
        public async Task<Terms> GetAsync(Guid clientId, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var agreement = await FindAsync(db, clientId, cancellationToken);
            return await EffectiveAsync(db, agreement, cancellationToken);
        }

        public async Task<Terms> SaveAsync(Guid clientId, Request request, CancellationToken cancellationToken = default)
        {
            Validate(request);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var agreement = await FindAsync(db, clientId, cancellationToken);
            var before = Snapshot(agreement);
            agreement.TimeIncrementMinutes = request.TimeIncrementMinutes;
            agreement.TicketMinimumMinutes = request.TicketMinimumMinutes;
            agreement.PaymentTermsDays = request.PaymentTermsDays;
            var after = Snapshot(agreement);
            if (before != after)
            {
                audit.Record(db, "client.agreement-terms-changed", nameof(Agreement), agreement.Id, before with { ClientId = clientId }, after with { ClientId = clientId }, request.Reason);
                await db.SaveChangesAsync(cancellationToken);
            }

            return await EffectiveAsync(db, agreement, cancellationToken);
        }

        private static async Task<Agreement> FindAsync(AppDbContext db, Guid clientId, CancellationToken cancellationToken) =>
            await db.Agreements.SingleOrDefaultAsync(a => a.ClientId == clientId, cancellationToken)
            ?? throw new NotFoundException("Client", clientId);

        private static async Task<Terms> EffectiveAsync(AppDbContext db, Agreement agreement, CancellationToken cancellationToken)
        {
            // Read-only: a tenant that never saved its Billing settings bills with the defaults.
            var settings = await db.BillingSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken) ?? new BillingSettings();
            return new Terms(
                agreement.TimeIncrementMinutes,
                agreement.TicketMinimumMinutes,
                agreement.PaymentTermsDays,
                settings.TimeIncrementMinutes,
                settings.TicketMinimumMinutes,
                settings.PaymentTermsDays);
        }

        private static TermsSnapshot Snapshot(Agreement a) => new(null, a.TimeIncrementMinutes, a.TicketMinimumMinutes, a.PaymentTermsDays);
    }

    private sealed record TermsSnapshot(Guid? ClientId, int? TimeIncrementMinutes, int? TicketMinimumMinutes, int? PaymentTermsDays);
}
