using CommandCenter.VendorSync.Http;
using Refit;

namespace CommandCenter.VendorSync.SonicWall;

/// <summary>
/// NSM (BaseUrl = the NSM host, e.g. https://nsm-uswest.sonicwall.com). The inventory path is not publicly documented,
/// so it is the connection's <see cref="ConnectionRuntime.InventoryPath"/> (default /api/manager/devices/tenant); the
/// body is read raw because its shape varies (vendor-apis.md §4.2).
/// </summary>
internal interface ISonicWallApi
{
    [Get("/{**path}")]
    Task<string> GetInventory(
        [Property(VendorRequest.Connection)] ConnectionRuntime connection,
        [Property(VendorRequest.Tenant)] string tenantId,
        string path,
        CancellationToken cancellationToken);
}
