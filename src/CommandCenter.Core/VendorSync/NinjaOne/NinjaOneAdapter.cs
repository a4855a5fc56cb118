using System.Globalization;
using CommandCenter.VendorSync.Http;

namespace CommandCenter.VendorSync.NinjaOne;

/// <summary>
/// NinjaOne: organisations from <c>/v2/organizations</c>, every device of every organisation in one keyset stream from
/// <c>/v2/devices</c>, grouped by organizationId. Counted = approvalStatus APPROVED (offline devices count too).
/// </summary>
internal sealed class NinjaOneAdapter(INinjaOneApi api) : IVendorAdapter
{
    public VendorKind Kind => VendorKind.NinjaOne;

    public async Task<ConnectionTestResult> TestAsync(ConnectionRuntime connection, CancellationToken cancellationToken)
    {
        try
        {
            var pageSize = VendorHttpOptions.PageSize(connection);
            var page = await VendorCall.RunAsync(connection, "/v2/organizations",
                () => api.GetOrganizations(connection, pageSize, null, cancellationToken), cancellationToken);
            var more = page.Count >= pageSize ? "+" : "";
            return new ConnectionTestResult(true, $"Signed in; {page.Count}{more} organizations visible");
        }
        catch (VendorSyncException exception)
        {
            return new ConnectionTestResult(false, exception.Message);
        }
    }

    public async Task<VendorFetch> FetchAsync(ConnectionRuntime connection, ISyncProgress progress, CancellationToken cancellationToken)
    {
        var pageSize = VendorHttpOptions.PageSize(connection);

        var organizations = await ReadAllAsync(connection, "/v2/organizations", pageSize, progress, o => o.Id,
            after => api.GetOrganizations(connection, pageSize, after, cancellationToken), cancellationToken);
        progress.Organizations(organizations.Count);

        var devices = await ReadAllAsync(connection, "/v2/devices", pageSize, progress, d => d.Id,
            after => api.GetDevices(connection, pageSize, after, cancellationToken), cancellationToken);

        var orgs = organizations
            .GroupBy(o => o.Id)
            .Select(g => new FetchedOrganization(Id(g.Key), NameOf(g.First())))
            .ToList();
        var known = orgs.Select(o => o.ExternalId).ToHashSet(StringComparer.Ordinal);
        var byOrg = devices.GroupBy(d => Id(d.OrganizationId)).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        // Devices of an organisation the list did not return (created mid-sync, or hidden) are kept under their id.
        foreach (var orphan in byOrg.Keys.Where(id => !known.Contains(id)).Order(StringComparer.Ordinal))
        {
            orgs.Add(new FetchedOrganization(orphan, $"NinjaOne organization {orphan}"));
        }

        var metrics = orgs
            .Select(o => new FetchedMetric(
                o.ExternalId,
                Metrics.Devices,
                byOrg.TryGetValue(o.ExternalId, out var list) ? list.DistinctBy(d => d.Id).Select(ToAsset).ToList() : [],
                []))
            .ToList();
        return new VendorFetch(orgs, metrics);
    }

    internal static VendorAsset ToAsset(NinjaDevice device) => new()
    {
        ExternalId = Id(device.Id),
        Name = FirstText(device.DisplayName, device.SystemName, device.DnsName) ?? $"Device {Id(device.Id)}",
        Class = AssetClasses.FromNinjaNodeClass(device.NodeClass),
        VendorClass = device.NodeClass,
        Status = device.ApprovalStatus,
        Counted = string.Equals(device.ApprovalStatus?.Trim(), "APPROVED", StringComparison.OrdinalIgnoreCase),
        Online = device.Offline is { } offline ? !offline : null,
        LastSeenUtc = device.LastContact,
    };

    private static string NameOf(NinjaOrganization organization) =>
        FirstText(organization.Name) ?? $"NinjaOne organization {Id(organization.Id)}";

    private static string? FirstText(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Keyset paging: <c>after</c> = last id seen, until an empty or short page.</summary>
    private static async Task<List<T>> ReadAllAsync<T>(
        ConnectionRuntime connection,
        string path,
        int pageSize,
        ISyncProgress progress,
        Func<T, int> idOf,
        Func<int?, Task<List<T>>> readPage,
        CancellationToken cancellationToken)
    {
        var all = new List<T>();
        int? after = null;
        for (var pageNumber = 1; ; pageNumber++)
        {
            var cursor = after;
            var page = await VendorCall.RunAsync(connection, $"{path} (page {pageNumber})", () => readPage(cursor), cancellationToken)
                ?? throw VendorCall.Malformed(connection, $"{path} (page {pageNumber})");
            progress.Page(page.Count);
            all.AddRange(page);
            if (page.Count == 0 || page.Count < pageSize)
            {
                return all;
            }

            var last = idOf(page[^1]);
            if (after is { } previous && last <= previous)
            {
                throw new VendorSyncException(
                    $"NinjaOne paging on {path} did not advance (page {pageNumber} ended at id {last}, after {previous}).");
            }

            after = last;
        }
    }
}
