using CommandCenter.Billing;
using CommandCenter.Persistence;
using CommandCenter.VendorSync;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Clients;

/// <summary>A connection a line's quantity can be bound to: the metrics its kind feeds and the licence products it has seen.</summary>
public sealed record SourceOption(Guid ConnectionId, string Name, VendorKind Kind, IReadOnlyList<string> Metrics, IReadOnlyList<string> Products)
{
    public string Label => $"{VendorKinds.DisplayName(Kind)} · {Name}";
}

/// <summary>What the line form offers for a vendor quantity source (the connections of the tenant, with what each can count).</summary>
public static class LineSourceOptions
{
    public sealed class Handler(TenantDb tenantDb)
    {
        public async Task<IReadOnlyList<SourceOption>> ListAsync(CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var connections = await db.VendorConnections.AsNoTracking().Select(c => new { c.Id, c.Name, c.Kind }).ToListAsync(cancellationToken);
            // Licence products as the sync named them (the names a licence line's product filter matches).
            var products = (await db.UsageMappings.AsNoTracking().Where(m => m.Metric == Metrics.Licences)
                    .Select(m => new { m.ConnectionId, m.Name }).ToListAsync(cancellationToken))
                .ToLookup(m => m.ConnectionId, m => m.Name);
            return connections
                .Where(c => SourceMetrics.For(c.Kind).Count > 0)
                .OrderBy(c => c.Kind).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
                .Select(c => new SourceOption(c.Id, c.Name, c.Kind, SourceMetrics.For(c.Kind),
                    [.. products[c.Id].Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)]))
                .ToList();
        }
    }
}
