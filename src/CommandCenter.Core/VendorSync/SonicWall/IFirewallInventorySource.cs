namespace CommandCenter.VendorSync.SonicWall;

/// <summary>
/// Where managed firewalls per client come from (vendor-apis.md §4.3): the NSM tenant inventory, a manual CSV, later
/// maybe MySonicWall registered products. One source = one SonicWall connection's view.
/// </summary>
public interface IFirewallInventorySource
{
    /// <summary>"sonicwall-nsm", "manual-csv", …</summary>
    string SourceName { get; }

    Task<IReadOnlyList<FirewallTenant>> GetTenantsAsync(CancellationToken ct);

    Task<IReadOnlyList<ManagedFirewall>> GetFirewallsAsync(string tenantId, CancellationToken ct);
}

public sealed record FirewallTenant(string TenantId, string Name);

public sealed record ManagedFirewall(
    string SerialNumber,
    string? FriendlyName,
    string? Model,
    string? FirmwareVersion,
    bool? Online,
    DateTimeOffset? LastSeen,
    DateOnly? SupportExpiry,
    string TenantId);

/// <summary>Turns any firewall inventory source into a <see cref="VendorFetch"/> (metric firewalls, every firewall counted).</summary>
public static class FirewallInventory
{
    public static async Task<VendorFetch> ToFetchAsync(IFirewallInventorySource source, ISyncProgress progress, CancellationToken cancellationToken)
    {
        var tenants = (await source.GetTenantsAsync(cancellationToken))
            .DistinctBy(t => t.TenantId, StringComparer.OrdinalIgnoreCase)
            .ToList();
        progress.Page(tenants.Count);
        progress.Organizations(tenants.Count);

        var orgs = new List<FetchedOrganization>(tenants.Count);
        var metrics = new List<FetchedMetric>(tenants.Count);
        foreach (var tenant in tenants)
        {
            var firewalls = await source.GetFirewallsAsync(tenant.TenantId, cancellationToken);
            progress.Page(firewalls.Count);
            orgs.Add(new FetchedOrganization(tenant.TenantId, string.IsNullOrWhiteSpace(tenant.Name) ? $"SonicWall tenant {tenant.TenantId}" : tenant.Name));
            metrics.Add(new FetchedMetric(
                tenant.TenantId,
                Metrics.Firewalls,
                firewalls.DistinctBy(f => f.SerialNumber, StringComparer.OrdinalIgnoreCase).Select(ToAsset).ToList(),
                []));
        }

        return new VendorFetch(orgs, metrics);
    }

    public static VendorAsset ToAsset(ManagedFirewall firewall) => new()
    {
        ExternalId = firewall.SerialNumber,
        Name = string.IsNullOrWhiteSpace(firewall.FriendlyName) ? firewall.SerialNumber : firewall.FriendlyName.Trim(),
        Class = AssetClasses.Firewall,
        VendorClass = firewall.Model,
        Serial = firewall.SerialNumber,
        Online = firewall.Online,
        Status = firewall.Online switch { true => "online", false => "offline", null => null },
        LastSeenUtc = firewall.LastSeen?.UtcDateTime,
        OperatingSystem = firewall.FirmwareVersion,
        Counted = true,
    };
}
