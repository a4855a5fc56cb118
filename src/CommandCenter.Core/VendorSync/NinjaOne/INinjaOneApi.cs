using CommandCenter.VendorSync.Http;
using Refit;

namespace CommandCenter.VendorSync.NinjaOne;

/// <summary>NinjaOne Public API v2 (vendor-apis.md §1.3). Keyset paging: <c>pageSize</c> + <c>after</c> (last id); bare arrays.</summary>
internal interface INinjaOneApi
{
    [Get("/v2/organizations")]
    Task<List<NinjaOrganization>> GetOrganizations(
        [Property(VendorRequest.Connection)] ConnectionRuntime connection,
        int? pageSize,
        int? after,
        CancellationToken cancellationToken);

    [Get("/v2/devices")]
    Task<List<NinjaDevice>> GetDevices(
        [Property(VendorRequest.Connection)] ConnectionRuntime connection,
        int? pageSize,
        int? after,
        CancellationToken cancellationToken);
}
