using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Clients;

/// <summary>The client list: search by name, sort, page. Money is summed in C#, never in SQL (SQLite stores decimals as text).</summary>
public static class ListClients
{
    public sealed record Request(string? Search = null, string? Sort = null, bool Descending = false, int? Page = null, int? PageSize = null);

    public static readonly IReadOnlyList<string> SortKeys = ["name", "status", "lines"];

    public sealed class Handler(TenantDb tenantDb, TimeProvider time)
    {
        public async Task<Paged<ClientRow>> HandleAsync(Request request, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var (page, size) = Paging.Normalize(request.Page, request.PageSize, 25);

            var query = db.Clients.AsNoTracking();
            if (!string.IsNullOrWhiteSpace(request.Search))
            {
                var term = Client.Normalize(request.Search);
                query = query.Where(c => c.NormalizedName.Contains(term));
            }

            var total = await query.CountAsync(cancellationToken);
            query = (request.Sort?.ToLowerInvariant(), request.Descending) switch
            {
                ("status", false) => query.OrderBy(c => c.Status).ThenBy(c => c.Name),
                ("status", true) => query.OrderByDescending(c => c.Status).ThenBy(c => c.Name),
                ("lines", false) => query.OrderBy(c => c.Agreement!.Lines.Count).ThenBy(c => c.Name),
                ("lines", true) => query.OrderByDescending(c => c.Agreement!.Lines.Count).ThenBy(c => c.Name),
                (_, true) => query.OrderByDescending(c => c.Name),
                _ => query.OrderBy(c => c.Name),
            };

            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var pageRows = await query
                .Skip((page - 1) * size)
                .Take(size)
                .Select(c => new { c.Id, c.Name, c.Status, c.HourlyRate, c.AccountingCustomerRef })
                .ToListAsync(cancellationToken);

            // Lines only for this page's clients: joining every line of the tenant before paging is what made pages slow.
            var ids = pageRows.Select(c => c.Id).ToList();
            var lines = await db.RecurringLines.AsNoTracking()
                .Join(db.Agreements.Where(a => ids.Contains(a.ClientId)), l => l.AgreementId, a => a.Id, (l, a) => new
                {
                    l.Id, a.ClientId, l.Item!.UnitPrice, l.UnitPriceOverride, l.Quantity, l.IncludedUnits, l.Minimum, l.EffectiveFrom, l.EffectiveTo, l.SourceKind,
                })
                .ToListAsync(cancellationToken);
            var byClient = lines.ToLookup(l => l.ClientId);

            // Vendor-bound lines bill the newest synced count (the billing engine's own counting), not a kept number.
            var vendorCounts = lines.Any(l => l.SourceKind == QuantitySourceKind.Vendor)
                ? await Billing.BillingInputs.VendorCountsAsync(db, ids, cancellationToken)
                : new Dictionary<Guid, decimal>();

            decimal Quantity(Guid lineId, QuantitySourceKind kind, decimal manual) => kind == QuantitySourceKind.Vendor ? vendorCounts.GetValueOrDefault(lineId) : manual;

            var items = pageRows.Select(r => new ClientRow(
                r.Id,
                r.Name,
                r.Status,
                r.HourlyRate,
                r.AccountingCustomerRef,
                byClient[r.Id].Count(),
                byClient[r.Id]
                    .Where(l => l.EffectiveFrom <= today && (l.EffectiveTo is null || l.EffectiveTo > today))
                    .Sum(l => Money.RoundCents((l.UnitPriceOverride ?? l.UnitPrice) * RecurringLine.BilledQuantity(Quantity(l.Id, l.SourceKind, l.Quantity), l.IncludedUnits, l.Minimum)))))
                .ToList();
            return new Paged<ClientRow>(items, total);
        }
    }
}
