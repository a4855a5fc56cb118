using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Clients;

public static class GetClient
{
    public sealed class Handler(TenantDb tenantDb, TimeProvider time)
    {
        public async Task<ClientDetail> HandleAsync(Guid clientId, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var client = await db.Clients.AsNoTracking()
                .Where(c => c.Id == clientId)
                .Select(c => new { c.Id, c.Name, c.Status, c.AccountingCustomerRef, c.HourlyRate, c.Notes, c.CreatedUtc })
                .SingleOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("Client", clientId);

            var lines = await LinesOf(db, clientId, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), cancellationToken);
            return new ClientDetail(client.Id, client.Name, client.Status, client.AccountingCustomerRef, client.HourlyRate, client.Notes, client.CreatedUtc, lines);
        }

        internal static async Task<List<LineDetail>> LinesOf(AppDbContext db, Guid clientId, DateOnly today, CancellationToken cancellationToken)
        {
            var lines = await db.RecurringLines.AsNoTracking()
                .Where(l => db.Agreements.Any(a => a.Id == l.AgreementId && a.ClientId == clientId))
                .Select(l => new LineDetail(
                    l.Id, l.CatalogItemId, l.Item!.Name, l.Description, l.Item.UnitPrice, l.UnitPriceOverride, l.SourceKind,
                    l.Quantity, l.IncludedUnits, l.Minimum, l.EffectiveFrom, l.EffectiveTo, false,
                    l.SourceKind == QuantitySourceKind.Vendor && l.SourceConnectionId != null
                        ? new LineSource(l.SourceConnectionId.Value, db.VendorConnections.Where(c => c.Id == l.SourceConnectionId).Select(c => c.Name).FirstOrDefault(), l.SourceMetric!, l.SourceClasses, l.SourceProduct, l.SourceBasis ?? Billing.VendorBinding.Purchased)
                        : null))
                .ToListAsync(cancellationToken);
            // Vendor lines are valued at the newest synced count, counted exactly as the billing engine counts.
            var counts = lines.Any(l => l.SourceKind == QuantitySourceKind.Vendor)
                ? await Billing.BillingInputs.VendorCountsAsync(db, [clientId], cancellationToken)
                : new Dictionary<Guid, decimal>();

            return lines
                .Select(l => l with
                {
                    IsCurrent = l.EffectiveFrom <= today && (l.EffectiveTo is null || l.EffectiveTo > today),
                    VendorCount = l.SourceKind == QuantitySourceKind.Vendor ? counts.GetValueOrDefault(l.Id) : null,
                })
                .OrderBy(l => l.ItemName, StringComparer.OrdinalIgnoreCase)
                .ThenBy(l => l.EffectiveFrom)
                .ToList();
        }
    }
}
