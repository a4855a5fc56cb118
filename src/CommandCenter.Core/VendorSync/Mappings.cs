using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.VendorSync;

public sealed record OrganizationRow(
    Guid Id,
    Guid ConnectionId,
    string ConnectionName,
    VendorKind Kind,
    string ExternalId,
    string Name,
    Guid? ClientId,
    string? ClientName,
    bool Ignored,
    Guid? SuggestedClientId,
    string? SuggestedClientName,
    int? SuggestionScore,
    bool Active,
    decimal? Count,
    DateTime LastSeenUtc);

public sealed record UsageMappingRow(Guid Id, Guid ConnectionId, string ConnectionName, string Metric, string Key, string Name, Guid? CatalogItemId, string? CatalogItemName, Guid? SuggestedCatalogItemId, string? SuggestedCatalogItemName, int? SuggestionScore);

/// <summary>Vendor organisations ↔ clients and vendor products/classes ↔ catalog items: listed with suggestions, confirmed by a person, audited.</summary>
public static class Mappings
{
    public enum OrganizationFilter
    {
        All = 0,
        Unmapped = 1,
        Mapped = 2,
        Ignored = 3,
    }

    public sealed record OrganizationQuery(Guid? ConnectionId = null, OrganizationFilter Filter = OrganizationFilter.All, string? Search = null, int Page = 1, int PageSize = 100);

    public sealed class Handler(TenantDb tenantDb, AuditWriter audit, TimeProvider time)
    {
        public async Task<Paged<OrganizationRow>> OrganizationsAsync(OrganizationQuery query, CancellationToken cancellationToken = default)
        {
            var (page, pageSize) = Paging.Normalize(query.Page, query.PageSize);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            if (query.ConnectionId is { } cid && !await db.VendorConnections.AnyAsync(c => c.Id == cid, cancellationToken))
            {
                throw new NotFoundException("Vendor connection", cid);
            }

            var orgs = db.VendorOrganizations.AsNoTracking().Where(o => o.Active);
            if (query.ConnectionId is { } connectionId)
            {
                orgs = orgs.Where(o => o.ConnectionId == connectionId);
            }

            orgs = query.Filter switch
            {
                OrganizationFilter.Unmapped => orgs.Where(o => o.ClientId == null && !o.Ignored),
                OrganizationFilter.Mapped => orgs.Where(o => o.ClientId != null),
                OrganizationFilter.Ignored => orgs.Where(o => o.Ignored),
                _ => orgs,
            };
            var all = await orgs.ToListAsync(cancellationToken);
            if (!string.IsNullOrWhiteSpace(query.Search))
            {
                var term = query.Search.Trim();
                all = all.Where(o => o.Name.Contains(term, StringComparison.OrdinalIgnoreCase) || o.ExternalId.Contains(term, StringComparison.OrdinalIgnoreCase)).ToList();
            }

            var connections = await db.VendorConnections.AsNoTracking().Select(c => new { c.Id, c.Name, c.Kind }).ToDictionaryAsync(c => c.Id, cancellationToken);
            var pageRows = all.OrderBy(o => o.ClientId != null).ThenBy(o => connections[o.ConnectionId].Name, StringComparer.OrdinalIgnoreCase)
                .ThenBy(o => o.Name, StringComparer.OrdinalIgnoreCase)
                .Skip((page - 1) * pageSize).Take(pageSize).ToList();
            var clientIds = pageRows.SelectMany(o => new[] { o.ClientId, o.SuggestedClientId }).OfType<Guid>().Distinct().ToList();
            var clientNames = await db.Clients.AsNoTracking().Where(c => clientIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
            var counts = await NewestCountsAsync(db, pageRows, cancellationToken);
            var items = pageRows.Select(o =>
            {
                var c = connections[o.ConnectionId];
                return new OrganizationRow(o.Id, o.ConnectionId, c.Name, c.Kind, o.ExternalId, o.Name, o.ClientId,
                    o.ClientId is { } id ? clientNames.GetValueOrDefault(id) : null, o.Ignored,
                    o.SuggestedClientId, o.SuggestedClientId is { } s ? clientNames.GetValueOrDefault(s) : null, o.SuggestionScore,
                    o.Active, counts.TryGetValue((o.ConnectionId, o.ExternalId), out var n) ? n : null, o.LastSeenUtc);
            }).ToList();
            return new Paged<OrganizationRow>(items, all.Count);
        }

        /// <summary>Maps (clientId), unmaps (null) or ignores an organisation. Audited with before, after and reason.</summary>
        public async Task MapOrganizationAsync(Guid connectionId, string externalId, Guid? clientId, bool ignore = false, string? reason = null, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var org = await db.VendorOrganizations.SingleOrDefaultAsync(o => o.ConnectionId == connectionId && o.ExternalId == externalId, cancellationToken)
                ?? throw new NotFoundException("Vendor organization", externalId);
            if (clientId is { } id && !await db.Clients.AnyAsync(c => c.Id == id, cancellationToken))
            {
                throw ValidationFailedException.For("clientId", "No such client.");
            }

            if (clientId is not null && ignore)
            {
                throw ValidationFailedException.For("ignored", "An organisation is either mapped to a client or ignored, not both.");
            }

            var before = new { org.ClientId, org.Ignored };
            org.ClientId = clientId;
            org.Ignored = ignore;
            org.MappedUtc = time.GetUtcNow().UtcDateTime;
            org.MappedBy = db.Actor;
            if (before.ClientId != org.ClientId || before.Ignored != org.Ignored)
            {
                audit.Record(db, "organization.mapped", nameof(VendorOrganization), org.Id,
                    new { before.ClientId, before.Ignored, org.Name, org.ExternalId }, new { org.ClientId, org.Ignored, org.Name, org.ExternalId }, reason);
                await db.SaveChangesAsync(cancellationToken);
            }
        }

        /// <summary>Confirms every suggestion scoring at least <paramref name="minimumScore"/> (an explicit, audited act by a person).</summary>
        public async Task<int> AcceptSuggestionsAsync(Guid? connectionId, int minimumScore, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var count = await AcceptSuggestionsAsync(db, audit, time, connectionId, minimumScore, "Accepted suggestion", cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return count;
        }

        internal static async Task<int> AcceptSuggestionsAsync(AppDbContext db, AuditWriter audit, TimeProvider time, Guid? connectionId, int minimumScore, string reason, CancellationToken cancellationToken)
        {
            var orgs = await db.VendorOrganizations
                .Where(o => o.Active && o.ClientId == null && !o.Ignored && o.SuggestedClientId != null && o.SuggestionScore >= minimumScore)
                .Where(o => connectionId == null || o.ConnectionId == connectionId)
                .ToListAsync(cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            foreach (var org in orgs)
            {
                org.ClientId = org.SuggestedClientId;
                org.MappedUtc = now;
                org.MappedBy = db.Actor;
                audit.Record(db, "organization.mapped", nameof(VendorOrganization), org.Id,
                    new { ClientId = (Guid?)null, org.Name, org.ExternalId }, new { org.ClientId, org.Name, org.ExternalId, Score = org.SuggestionScore }, reason);
            }

            var usage = await db.UsageMappings
                .Where(m => m.CatalogItemId == null && m.SuggestedCatalogItemId != null && m.SuggestionScore >= minimumScore)
                .Where(m => connectionId == null || m.ConnectionId == connectionId)
                .ToListAsync(cancellationToken);
            foreach (var m in usage)
            {
                m.CatalogItemId = m.SuggestedCatalogItemId;
                m.MappedUtc = now;
                m.MappedBy = db.Actor;
                audit.Record(db, "usage.mapped", nameof(UsageMapping), m.Id, null, new { m.Metric, m.Key, m.Name, m.CatalogItemId, Score = m.SuggestionScore }, reason);
            }

            return orgs.Count + usage.Count;
        }

        public async Task<IReadOnlyList<UsageMappingRow>> UsageAsync(Guid? connectionId, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            if (connectionId is { } cid && !await db.VendorConnections.AnyAsync(c => c.Id == cid, cancellationToken))
            {
                throw new NotFoundException("Vendor connection", cid);
            }

            var rows = await db.UsageMappings.AsNoTracking().Where(m => connectionId == null || m.ConnectionId == connectionId).ToListAsync(cancellationToken);
            var items = await db.CatalogItems.AsNoTracking().ToDictionaryAsync(i => i.Id, i => i.Name, cancellationToken);
            var connections = await db.VendorConnections.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
            return rows.OrderBy(r => r.Metric, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
                .Select(m => new UsageMappingRow(m.Id, m.ConnectionId, connections.GetValueOrDefault(m.ConnectionId, ""), m.Metric, m.Key, m.Name, m.CatalogItemId,
                    m.CatalogItemId is { } i ? items.GetValueOrDefault(i) : null, m.SuggestedCatalogItemId,
                    m.SuggestedCatalogItemId is { } s ? items.GetValueOrDefault(s) : null, m.SuggestionScore))
                .ToList();
        }

        public async Task MapUsageAsync(Guid connectionId, string metric, string key, Guid? catalogItemId, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var m = await db.UsageMappings.SingleOrDefaultAsync(x => x.ConnectionId == connectionId && x.Metric == metric && x.Key == key, cancellationToken)
                ?? throw new NotFoundException("Usage mapping", $"{metric}/{key}");
            if (catalogItemId is { } id && !await db.CatalogItems.AnyAsync(i => i.Id == id, cancellationToken))
            {
                throw ValidationFailedException.For("catalogItemId", "No such catalog item.");
            }

            if (m.CatalogItemId == catalogItemId)
            {
                return;
            }

            audit.Record(db, "usage.mapped", nameof(UsageMapping), m.Id, new { m.Metric, m.Key, m.Name, m.CatalogItemId }, new { m.Metric, m.Key, m.Name, CatalogItemId = catalogItemId });
            m.CatalogItemId = catalogItemId;
            m.MappedUtc = time.GetUtcNow().UtcDateTime;
            m.MappedBy = db.Actor;
            await db.SaveChangesAsync(cancellationToken);
        }

        /// <summary>Total unmapped organisations across connections (the Unmapped queue's badge).</summary>
        public async Task<int> UnmappedCountAsync(CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            return await db.VendorOrganizations.CountAsync(o => o.Active && o.ClientId == null && !o.Ignored, cancellationToken);
        }

        private static async Task<Dictionary<(Guid, string), decimal>> NewestCountsAsync(AppDbContext db, IReadOnlyCollection<VendorOrganization> orgs, CancellationToken cancellationToken)
        {
            var connectionIds = orgs.Select(o => o.ConnectionId).Distinct().ToList();
            var externalIds = orgs.Select(o => o.ExternalId).Distinct().ToList();
            var newest = await SnapshotQueries.NewestAsync(db.CountSnapshots.Where(s => connectionIds.Contains(s.ConnectionId) && externalIds.Contains(s.OrganizationExternalId)), cancellationToken);
            // One metric per vendor, so an organisation's count is its newest snapshot's.
            return newest.GroupBy(h => (h.ConnectionId, h.OrganizationExternalId)).ToDictionary(g => g.Key, g => g.Sum(h => h.Count));
        }
    }
}
