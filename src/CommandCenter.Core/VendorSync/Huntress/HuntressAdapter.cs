using System.Globalization;
using CommandCenter.VendorSync.Http;

namespace CommandCenter.VendorSync.Huntress;

/// <summary>
/// Huntress: organisations and every agent of the account (one cursor stream, grouped by organization_id). Every agent
/// counts; the class comes from platform + OS (a server OS is a server). 60 requests/min: the connection's rate
/// limiter queues to stay under it.
/// </summary>
internal sealed class HuntressAdapter(IHuntressApi api) : IVendorAdapter
{
    public VendorKind Kind => VendorKind.Huntress;

    public async Task<ConnectionTestResult> TestAsync(ConnectionRuntime connection, CancellationToken cancellationToken)
    {
        try
        {
            var limit = VendorHttpOptions.PageSize(connection);
            var page = await VendorCall.RunAsync(connection, "/v1/organizations",
                () => api.GetOrganizations(connection, limit, null, cancellationToken), cancellationToken);
            var count = page?.Organizations?.Count ?? 0;
            var more = string.IsNullOrEmpty(page?.Pagination?.NextPageToken) ? "" : "+";
            return new ConnectionTestResult(true, $"Signed in; {count}{more} organizations visible");
        }
        catch (VendorSyncException exception)
        {
            return new ConnectionTestResult(false, exception.Message);
        }
    }

    public async Task<VendorFetch> FetchAsync(ConnectionRuntime connection, ISyncProgress progress, CancellationToken cancellationToken)
    {
        var limit = VendorHttpOptions.PageSize(connection);
        var organizations = await ReadAllAsync(connection, "/v1/organizations", progress,
            async token =>
            {
                var page = await api.GetOrganizations(connection, limit, token, cancellationToken);
                return (page?.Organizations, page?.Pagination?.NextPageToken);
            }, cancellationToken);
        progress.Organizations(organizations.Count);

        var agents = await ReadAllAsync(connection, "/v1/agents", progress,
            async token =>
            {
                var page = await api.GetAgents(connection, limit, token, cancellationToken);
                return (page?.Agents, page?.Pagination?.NextPageToken);
            }, cancellationToken);

        var orgs = organizations
            .DistinctBy(o => o.Id)
            .Select(o => new FetchedOrganization(Id(o.Id), string.IsNullOrWhiteSpace(o.Name) ? $"Huntress organization {Id(o.Id)}" : o.Name.Trim()))
            .ToList();
        var byOrg = agents.GroupBy(a => Id(a.OrganizationId)).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var known = orgs.Select(o => o.ExternalId).ToHashSet(StringComparer.Ordinal);
        foreach (var orphan in byOrg.Keys.Where(id => !known.Contains(id)).Order(StringComparer.Ordinal))
        {
            orgs.Add(new FetchedOrganization(orphan, $"Huntress organization {orphan}"));
        }

        var metrics = orgs
            .Select(o => new FetchedMetric(
                o.ExternalId,
                Metrics.Agents,
                byOrg.TryGetValue(o.ExternalId, out var list) ? list.DistinctBy(a => a.Id).Select(ToAsset).ToList() : [],
                []))
            .ToList();
        return new VendorFetch(orgs, metrics);
    }

    internal static VendorAsset ToAsset(HuntressAgent agent) => new()
    {
        ExternalId = Id(agent.Id),
        Name = string.IsNullOrWhiteSpace(agent.Hostname) ? $"Agent {Id(agent.Id)}" : agent.Hostname.Trim(),
        Class = AssetClasses.FromHuntress(agent.Platform, agent.Os),
        VendorClass = agent.Platform,
        OperatingSystem = agent.Os,
        Serial = agent.SerialNumber,
        LastSeenUtc = agent.LastCallbackAt?.UtcDateTime,
        Counted = true,
    };

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Cursor paging: send <c>page_token</c> = the previous <c>next_page_token</c> until none comes back.</summary>
    private static async Task<List<T>> ReadAllAsync<T>(
        ConnectionRuntime connection,
        string path,
        ISyncProgress progress,
        Func<string?, Task<(List<T>? Items, string? Next)>> readPage,
        CancellationToken cancellationToken)
    {
        var all = new List<T>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        for (var number = 1; ; number++)
        {
            var cursor = token;
            var what = $"{path} (page {number})";
            var (items, next) = await VendorCall.RunAsync(connection, what, () => readPage(cursor), cancellationToken);
            if (items is null)
            {
                throw VendorCall.Malformed(connection, what);
            }

            progress.Page(items.Count);
            all.AddRange(items);
            if (string.IsNullOrEmpty(next))
            {
                return all;
            }

            if (!seen.Add(next))
            {
                throw new VendorSyncException($"Huntress paging on {path} repeated a page token (page {number}).");
            }

            token = next;
        }
    }
}
