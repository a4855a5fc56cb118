using CommandCenter.VendorSync.Http;
using Refit;

namespace CommandCenter.VendorSync.Huntress;

/// <summary>Huntress API v1 (vendor-apis.md §3.2), host https://api.huntress.io. Cursor paging: <c>limit</c> (≤ 500) + <c>page_token</c>.</summary>
internal interface IHuntressApi
{
    [Get("/v1/organizations")]
    Task<HuntressOrganizationsPage> GetOrganizations(
        [Property(VendorRequest.Connection)] ConnectionRuntime connection,
        int limit,
        [AliasAs("page_token")] string? pageToken,
        CancellationToken cancellationToken);

    [Get("/v1/agents")]
    Task<HuntressAgentsPage> GetAgents(
        [Property(VendorRequest.Connection)] ConnectionRuntime connection,
        int limit,
        [AliasAs("page_token")] string? pageToken,
        CancellationToken cancellationToken);
}
