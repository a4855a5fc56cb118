using CommandCenter.VendorSync.Http;

namespace CommandCenter.VendorSync.SonicWall;

/// <summary>SonicWall firewalls per MySonicWall tenant, read from NSM (<see cref="NsmFirewallInventorySource"/>).</summary>
internal sealed class SonicWallAdapter(ISonicWallApi api, SonicWallAuthenticator authenticator) : IVendorAdapter
{
    public VendorKind Kind => VendorKind.SonicWall;

    public IFirewallInventorySource SourceFor(ConnectionRuntime connection) => new NsmFirewallInventorySource(connection, api, authenticator);

    public async Task<ConnectionTestResult> TestAsync(ConnectionRuntime connection, CancellationToken cancellationToken)
    {
        try
        {
            var tenants = await authenticator.GetCloudTenantsAsync(connection, refresh: true, cancellationToken);
            var withNsm = tenants.Where(t => !string.IsNullOrWhiteSpace(t.TenantSerial)).ToList();
            if (withNsm.Count > 0)
            {
                // Prove the NSM leg too: one tenant's sign-in and inventory.
                await SourceFor(connection).GetFirewallsAsync(withNsm[0].TenantId, cancellationToken);
            }

            return new ConnectionTestResult(true, $"Signed in; {tenants.Count} tenants visible ({withNsm.Count} with NSM)");
        }
        catch (VendorSyncException exception)
        {
            return new ConnectionTestResult(false, exception.Message);
        }
    }

    public Task<VendorFetch> FetchAsync(ConnectionRuntime connection, ISyncProgress progress, CancellationToken cancellationToken) =>
        FirewallInventory.ToFetchAsync(SourceFor(connection), progress, cancellationToken);
}
