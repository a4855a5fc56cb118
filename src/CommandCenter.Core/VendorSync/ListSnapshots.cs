using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.VendorSync;

/// <summary>A connection's newest snapshot of each organisation, with its evidence (the API's snapshot view).</summary>
public static class ListSnapshots
{
    public sealed record Request(Guid ConnectionId, string? OrganizationExternalId = null, int Page = 1, int PageSize = 100);

    public sealed class Handler(TenantDb tenantDb, TimeProvider time)
    {
        public async Task<Paged<CountGroup>> HandleAsync(Request request, CancellationToken cancellationToken = default)
        {
            var (page, pageSize) = Paging.Normalize(request.Page, request.PageSize);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var connection = await db.VendorConnections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == request.ConnectionId, cancellationToken)
                ?? throw new NotFoundException("Vendor connection", request.ConnectionId);
            var scope = db.CountSnapshots.Where(s => s.ConnectionId == request.ConnectionId)
                .Where(s => request.OrganizationExternalId == null || s.OrganizationExternalId == request.OrganizationExternalId);
            var newest = (await SnapshotQueries.NewestAsync(scope, cancellationToken))
                .OrderBy(h => h.OrganizationExternalId, StringComparer.Ordinal).ThenBy(h => h.Metric, StringComparer.Ordinal)
                .ToList();
            var ids = newest.Skip((page - 1) * pageSize).Take(pageSize).Select(h => h.Id).ToList();
            var snapshots = await db.CountSnapshots.AsNoTracking().Where(s => ids.Contains(s.Id)).ToListAsync(cancellationToken);
            var externalIds = snapshots.Select(s => s.OrganizationExternalId).ToList();
            var names = await db.VendorOrganizations.AsNoTracking()
                .Where(o => o.ConnectionId == request.ConnectionId && externalIds.Contains(o.ExternalId))
                .ToDictionaryAsync(o => o.ExternalId, o => o.Name, cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            var staleAfter = await GetClientCounts.StaleAfterAsync(db, cancellationToken);
            var items = snapshots.OrderBy(s => ids.IndexOf(s.Id))
                .Select(s => CountGroup.From(s, connection, names.GetValueOrDefault(s.OrganizationExternalId, s.OrganizationExternalId), now, staleAfter))
                .ToList();
            return new Paged<CountGroup>(items, newest.Count);
        }
    }
}
