using CommandCenter.VendorSync.Http;
using Refit;

namespace CommandCenter.VendorSync.Graph;

/// <summary>
/// Microsoft Graph v1.0 (vendor-apis.md §5); BaseUrl is the host (https://graph.microsoft.com), so paths carry /v1.0.
/// Paging follows <c>@odata.nextLink</c> through <see cref="VendorRequest.NextLink"/>. <see cref="VendorRequest.Tenant"/>
/// selects the tenant whose token signs the call (partner tenant when absent).
/// </summary>
internal interface IGraphApi
{
    [Get("/v1.0/tenantRelationships/delegatedAdminCustomers")]
    Task<GraphPage<GraphCustomer>> GetDelegatedAdminCustomers(
        [Property(VendorRequest.Connection)] ConnectionRuntime connection,
        [Property(VendorRequest.NextLink)] string? nextLink,
        CancellationToken cancellationToken);

    [Get("/v1.0/subscribedSkus")]
    Task<GraphPage<GraphSubscribedSku>> GetSubscribedSkus(
        [Property(VendorRequest.Connection)] ConnectionRuntime connection,
        [Property(VendorRequest.Tenant)] string customerTenantId,
        [Property(VendorRequest.NextLink)] string? nextLink,
        CancellationToken cancellationToken);
}
