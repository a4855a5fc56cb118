namespace CommandCenter.VendorSync;

/// <summary>The default counting rules of billing-rules.md, applied to stored evidence.</summary>
public static class Counting
{
    /// <summary>Counted assets, or the purchased seats of counted subscriptions.</summary>
    public static decimal DefaultCount(IReadOnlyCollection<VendorAsset> assets, IReadOnlyCollection<LicenceSubscription> licences) =>
        assets.Count(a => a.Counted) + licences.Where(l => l.Counted).Sum(l => l.Quantity);

    /// <summary>Devices are sold per class (a workstation and a server are different lines); agents and firewalls per unit.</summary>
    public static string UsageKey(string metric, VendorAsset asset) => metric == Metrics.Devices ? asset.Class : AllAssets;

    public const string AllAssets = "All";

    /// <summary>What an MSP's catalog usually calls the service sold for this usage; only used to suggest a catalog item.</summary>
    public static string UsageMatchText(VendorKind kind, string metric, string assetClass) => metric switch
    {
        Metrics.Devices when assetClass == AssetClasses.Network => "Network Device Management",
        Metrics.Devices => $"Managed {assetClass}",
        Metrics.Agents => $"{VendorKinds.DisplayName(kind)} Managed EDR",
        Metrics.Firewalls => "Firewall Management",
        _ => assetClass,
    };

    /// <summary>How a usage key reads in mapping lists ("Workstation devices (NinjaOne)").</summary>
    public static string UsageName(VendorKind kind, string metric, string assetClass) => metric switch
    {
        Metrics.Devices => $"Managed {assetClass} ({VendorKinds.DisplayName(kind)} devices)",
        Metrics.Agents => $"{VendorKinds.DisplayName(kind)} managed EDR agents",
        Metrics.Firewalls => $"Firewall management ({VendorKinds.DisplayName(kind)})",
        _ => $"{assetClass} ({VendorKinds.DisplayName(kind)})",
    };
}
