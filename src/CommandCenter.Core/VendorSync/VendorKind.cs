namespace CommandCenter.VendorSync;

/// <summary>The vendors Command Center reads counts from. API strings are lower-case (<see cref="VendorKinds"/>).</summary>
public enum VendorKind
{
    NinjaOne = 0,
    Pax8 = 1,
    Huntress = 2,
    SonicWall = 3,
    Graph = 4,
}

/// <summary>The metrics a snapshot counts. Workstations and servers are filters over the <c>devices</c> evidence.</summary>
public static class Metrics
{
    public const string Devices = "devices";
    public const string Agents = "agents";
    public const string Firewalls = "firewalls";
    public const string Licences = "licences";

    public static string For(VendorKind kind) => kind switch
    {
        VendorKind.NinjaOne => Devices,
        VendorKind.Huntress => Agents,
        VendorKind.SonicWall => Firewalls,
        VendorKind.Pax8 or VendorKind.Graph => Licences,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

public static class VendorKinds
{
    public static string ToApi(VendorKind kind) => kind switch
    {
        VendorKind.NinjaOne => "ninjaone",
        VendorKind.Pax8 => "pax8",
        VendorKind.Huntress => "huntress",
        VendorKind.SonicWall => "sonicwall",
        VendorKind.Graph => "graph",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static bool TryParse(string? value, out VendorKind kind)
    {
        foreach (var candidate in Enum.GetValues<VendorKind>())
        {
            if (string.Equals(ToApi(candidate), value?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }

    public static string DisplayName(VendorKind kind) => kind switch
    {
        VendorKind.NinjaOne => "NinjaOne",
        VendorKind.Pax8 => "Pax8",
        VendorKind.Huntress => "Huntress",
        VendorKind.SonicWall => "SonicWall NSM",
        VendorKind.Graph => "Microsoft 365 (Graph)",
        _ => kind.ToString(),
    };
}
