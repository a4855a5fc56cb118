using CommandCenter.VendorSync;

namespace CommandCenter.Billing;

/// <summary>The metrics a line's quantity can be bound to (design.md, contract appendix).</summary>
public static class SourceMetrics
{
    public const string Workstations = "workstations";
    public const string Servers = "servers";
    public const string Devices = "devices";
    public const string Agents = "agents";
    public const string Firewalls = "firewalls";
    public const string Licences = "licences";

    public static IReadOnlyList<string> All { get; } = [Workstations, Servers, Devices, Agents, Firewalls, Licences];

    /// <summary>The snapshot metric a binding reads.</summary>
    public static string SnapshotMetric(string metric) => metric switch
    {
        Workstations or Servers or Devices => Metrics.Devices,
        Agents => Metrics.Agents,
        Firewalls => Metrics.Firewalls,
        Licences => Metrics.Licences,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
    };

    /// <summary>Which metrics a connection of this kind can feed.</summary>
    public static IReadOnlyList<string> For(VendorKind kind) => kind switch
    {
        VendorKind.NinjaOne => [Workstations, Servers, Devices],
        VendorKind.Huntress => [Agents],
        VendorKind.SonicWall => [Firewalls],
        VendorKind.Pax8 or VendorKind.Graph => [Licences],
        _ => [],
    };

    public static string Noun(string metric) => metric switch
    {
        Workstations => "workstation",
        Servers => "server",
        Devices => "device",
        Agents => "agent",
        Firewalls => "firewall",
        _ => "seat",
    };
}

/// <summary>
/// A line's vendor quantity source: connection + metric + filter (billing-rules.md, "Quantity source"). The filter is
/// data applied over the stored evidence at billing time, so changing it re-bills without a re-sync.
/// </summary>
public sealed record VendorBinding(Guid ConnectionId, string Metric, IReadOnlyList<string> Classes, string? Product, string Basis)
{
    public const string Purchased = "purchased";
    public const string Assigned = "assigned";

    public static IReadOnlyList<string> SplitClasses(string? classes) =>
        string.IsNullOrWhiteSpace(classes) ? [] : [.. classes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The asset classes counted: the metric's own (workstations, servers) or the filter's; empty = every class.</summary>
    public IReadOnlyList<string> EffectiveClasses => Metric switch
    {
        SourceMetrics.Workstations => [AssetClasses.Workstation],
        SourceMetrics.Servers => [AssetClasses.Server],
        _ => Classes,
    };

    /// <summary>"NinjaOne devices · Workstation", "Pax8 licences · Microsoft 365 Business Standard (purchased)".</summary>
    public string Describe(string connectionName)
    {
        var filter = Metric == SourceMetrics.Licences
            ? $" · {Product ?? "every product"} ({Basis})"
            : EffectiveClasses.Count > 0 && Metric != SourceMetrics.Workstations && Metric != SourceMetrics.Servers ? $" · {string.Join(", ", EffectiveClasses)}" : "";
        // "SonicWall firewalls" counting firewalls reads "SonicWall firewalls", not "SonicWall firewalls firewalls".
        var what = connectionName.EndsWith(Metric, StringComparison.OrdinalIgnoreCase) ? connectionName : $"{connectionName} {Metric}";
        return what + filter;
    }

    public bool MatchesAsset(VendorAsset asset)
    {
        var classes = EffectiveClasses;
        return classes.Count == 0 || classes.Contains(asset.Class, StringComparer.OrdinalIgnoreCase);
    }

    public bool MatchesLicence(LicenceSubscription licence) =>
        string.IsNullOrWhiteSpace(Product)
        || string.Equals(licence.ProductId, Product, StringComparison.OrdinalIgnoreCase)
        || string.Equals(licence.Sku, Product, StringComparison.OrdinalIgnoreCase)
        || string.Equals(licence.VendorSkuId, Product, StringComparison.OrdinalIgnoreCase)
        || string.Equals(licence.ProductName, Product, StringComparison.OrdinalIgnoreCase)
        || string.Equals(MicrosoftSkus.DisplayName(licence), Product, StringComparison.OrdinalIgnoreCase);
}
