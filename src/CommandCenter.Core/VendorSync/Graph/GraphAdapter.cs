using CommandCenter.VendorSync.Http;

namespace CommandCenter.VendorSync.Graph;

/// <summary>
/// Microsoft 365 licences through Graph: customers from GDAP <c>delegatedAdminCustomers</c> (partner token), then each
/// customer's <c>subscribedSkus</c> with that customer's token. Company-wide SKUs are skipped. Purchased =
/// prepaidUnits.enabled, assigned = consumedUnits, warning units kept apart; counted when capabilityStatus is Enabled.
/// A customer that cannot be read fails the sync (a silent 0 would look like a cancelled licence).
/// </summary>
internal sealed class GraphAdapter(IGraphApi api) : IVendorAdapter
{
    private const string CustomersPath = "/v1.0/tenantRelationships/delegatedAdminCustomers";
    private const string SkusPath = "/v1.0/subscribedSkus";

    public VendorKind Kind => VendorKind.Graph;

    public async Task<ConnectionTestResult> TestAsync(ConnectionRuntime connection, CancellationToken cancellationToken)
    {
        try
        {
            var page = await VendorCall.RunAsync(connection, CustomersPath,
                () => api.GetDelegatedAdminCustomers(connection, null, cancellationToken), cancellationToken);
            var more = string.IsNullOrEmpty(page?.NextLink) ? "" : "+";
            return new ConnectionTestResult(true, $"Signed in; {page?.Value?.Count ?? 0}{more} customer tenants visible");
        }
        catch (VendorSyncException exception)
        {
            return new ConnectionTestResult(false, exception.Message);
        }
    }

    public async Task<VendorFetch> FetchAsync(ConnectionRuntime connection, ISyncProgress progress, CancellationToken cancellationToken)
    {
        var customers = await ReadAllAsync(connection, CustomersPath, progress,
            next => api.GetDelegatedAdminCustomers(connection, next, cancellationToken), cancellationToken);

        var orgs = customers
            .Select(c => (TenantId: FirstText(c.TenantId, c.Id), c.DisplayName))
            .Where(c => c.TenantId is not null)
            .DistinctBy(c => c.TenantId, StringComparer.OrdinalIgnoreCase)
            .Select(c => new FetchedOrganization(c.TenantId!, FirstText(c.DisplayName) ?? $"Tenant {c.TenantId}"))
            .ToList();
        progress.Organizations(orgs.Count);

        var metrics = new List<FetchedMetric>(orgs.Count);
        foreach (var org in orgs)
        {
            VendorSyncException? failure = null;
            List<GraphSubscribedSku> skus = [];
            try
            {
                skus = await ReadAllAsync(connection, $"{SkusPath} of {org.Name}", progress,
                    next => api.GetSubscribedSkus(connection, org.ExternalId, next, cancellationToken), cancellationToken);
            }
            catch (VendorSyncException exception)
            {
                failure = exception;
            }

            if (failure is not null)
            {
                throw new VendorSyncException($"Microsoft Graph: customer '{org.Name}' ({org.ExternalId}) could not be read: {failure.Message}", failure)
                {
                    StatusCode = failure.StatusCode,
                };
            }

            metrics.Add(new FetchedMetric(
                org.ExternalId,
                Metrics.Licences,
                [],
                skus.Where(s => !string.Equals(s.AppliesTo, "Company", StringComparison.OrdinalIgnoreCase))
                    .Where(s => !string.IsNullOrWhiteSpace(s.SkuId) || !string.IsNullOrWhiteSpace(s.Id))
                    .DistinctBy(s => s.Id ?? s.SkuId)
                    .Select(ToLicence)
                    .ToList()));
        }

        return new VendorFetch(orgs, metrics);
    }

    internal static LicenceSubscription ToLicence(GraphSubscribedSku sku) => new()
    {
        ExternalId = FirstText(sku.Id, sku.SkuId)!,
        ProductId = FirstText(sku.SkuId, sku.Id)!,
        ProductName = FirstText(sku.SkuPartNumber, sku.SkuId)!,
        Sku = sku.SkuPartNumber,
        VendorSkuId = sku.SkuId,
        Quantity = sku.PrepaidUnits?.Enabled ?? 0,
        Assigned = sku.ConsumedUnits,
        Warning = sku.PrepaidUnits?.Warning,
        Status = sku.CapabilityStatus,
        // Free and viral SKUs (Power Automate Free, Teams Exploratory…) cost nothing and are never billed (billing-rules.md).
        Counted = string.Equals(sku.CapabilityStatus, "Enabled", StringComparison.OrdinalIgnoreCase) && !MicrosoftSkus.IsFree(sku.SkuPartNumber),
    };

    private static string? FirstText(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    /// <summary>Follows <c>@odata.nextLink</c> (same host only, enforced by the routing handler) until there is none.</summary>
    private static async Task<List<T>> ReadAllAsync<T>(
        ConnectionRuntime connection,
        string path,
        ISyncProgress progress,
        Func<string?, Task<GraphPage<T>>> readPage,
        CancellationToken cancellationToken)
    {
        var all = new List<T>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? next = null;
        for (var number = 1; ; number++)
        {
            var link = next;
            var what = $"{path} (page {number})";
            var page = await VendorCall.RunAsync(connection, what, () => readPage(link), cancellationToken);
            if (page?.Value is null)
            {
                throw VendorCall.Malformed(connection, what);
            }

            progress.Page(page.Value.Count);
            all.AddRange(page.Value);
            if (string.IsNullOrWhiteSpace(page.NextLink))
            {
                return all;
            }

            if (!seen.Add(page.NextLink))
            {
                throw new VendorSyncException($"Microsoft Graph paging on {path} repeated a next link (page {number}).");
            }

            next = page.NextLink;
        }
    }
}
