using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Clients;

/// <summary>Counts for the start page: clients, current lines, their monthly amount (summed in C#), catalog size.</summary>
public static class GetSummary
{
    public sealed record Result(int Clients, int Lines, decimal MonthlyRecurring, int CatalogItems);

    public sealed class Handler(TenantDb tenantDb, TimeProvider time)
    {
        public async Task<Result> HandleAsync(CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var clients = await db.Clients.CountAsync(cancellationToken);
            var items = await db.CatalogItems.CountAsync(cancellationToken);
            var lines = await db.RecurringLines.AsNoTracking()
                .Where(l => l.EffectiveFrom <= today && (l.EffectiveTo == null || l.EffectiveTo > today))
                .Select(l => new { l.Item!.UnitPrice, l.UnitPriceOverride, l.Quantity, l.IncludedUnits, l.Minimum })
                .ToListAsync(cancellationToken);
            var monthly = lines.Sum(l => Money.RoundCents((l.UnitPriceOverride ?? l.UnitPrice) * RecurringLine.BilledQuantity(l.Quantity, l.IncludedUnits, l.Minimum)));
            return new Result(clients, lines.Count, monthly, items);
        }
    }
}
