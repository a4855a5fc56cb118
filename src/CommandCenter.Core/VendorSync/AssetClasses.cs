namespace CommandCenter.VendorSync;

/// <summary>
/// The billing classes of an asset (billing-rules.md, Counting). Vendor enums stay open strings: anything not known
/// today lands in <see cref="Other"/> instead of failing a sync.
/// </summary>
public static class AssetClasses
{
    public const string Workstation = "Workstation";
    public const string Server = "Server";
    public const string Virtual = "Virtual";
    public const string Network = "Network";
    public const string Mobile = "Mobile";
    public const string Firewall = "Firewall";
    public const string Other = "Other";

    public static IReadOnlyList<string> All { get; } = [Workstation, Server, Virtual, Network, Mobile, Firewall, Other];

    /// <summary>NinjaOne <c>nodeClass</c> → billing class.</summary>
    public static string FromNinjaNodeClass(string? nodeClass)
    {
        var value = nodeClass?.Trim().ToUpperInvariant() ?? "";
        return value switch
        {
            "WINDOWS_WORKSTATION" or "MAC" or "LINUX_WORKSTATION" => Workstation,
            "WINDOWS_SERVER" or "LINUX_SERVER" or "MAC_SERVER" => Server,
            "VMWARE_VM_HOST" or "VMWARE_VM_GUEST" or "HYPERV_VMM_HOST" or "HYPERV_VMM_GUEST" => Virtual,
            "ANDROID" or "APPLE_IOS" or "APPLE_IPADOS" => Mobile,
            _ when value.StartsWith("NMS_", StringComparison.Ordinal) => Network,
            _ => Other,
        };
    }

    /// <summary>
    /// Huntress has no workstation/server field: Windows whose OS names a server edition, and Linux, are servers
    /// (vendor-apis.md §3.2, an inference); other Windows and macOS are workstations.
    /// </summary>
    public static string FromHuntress(string? platform, string? os)
    {
        var p = platform?.Trim().ToLowerInvariant() ?? "";
        var isServerOs = os?.Contains("server", StringComparison.OrdinalIgnoreCase) == true;
        return p switch
        {
            "windows" => isServerOs ? Server : Workstation,
            "darwin" => isServerOs ? Server : Workstation,
            "linux" => Server,
            _ => Other,
        };
    }
}
