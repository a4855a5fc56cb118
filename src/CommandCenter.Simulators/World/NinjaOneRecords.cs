using System.Text.Json.Serialization;

namespace CommandCenter.Simulators.World;

/// <summary>A NinjaOne organization as <c>GET /v2/organizations</c> returns it.</summary>
public sealed record NinjaOrganization
{
    [JsonPropertyName("id")] public required int Id { get; init; }
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("description")] public string Description { get; init; } = "";
    [JsonPropertyName("nodeApprovalMode")] public string NodeApprovalMode { get; init; } = "AUTOMATIC";
    [JsonPropertyName("userData")] public IReadOnlyDictionary<string, string> UserData { get; init; } = new Dictionary<string, string>();

    /// <summary>The one location every simulated organization has (used by the detailed form and by devices).</summary>
    [JsonIgnore] public int LocationId { get; init; }
}

/// <summary>
/// A NinjaOne device (node) as <c>GET /v2/devices</c> returns it. <c>created</c>, <c>lastContact</c> and
/// <c>lastUpdate</c> are epoch seconds with a fractional part, as NinjaOne sends them. The members marked
/// <see cref="JsonIgnoreAttribute"/> only appear in <c>/v2/devices-detailed</c>.
/// </summary>
public sealed record NinjaDevice
{
    [JsonPropertyName("id")] public required int Id { get; init; }
    [JsonPropertyName("uid")] public required Guid Uid { get; init; }
    [JsonPropertyName("organizationId")] public required int OrganizationId { get; init; }
    [JsonPropertyName("locationId")] public required int LocationId { get; init; }
    [JsonPropertyName("nodeClass")] public required string NodeClass { get; init; }
    [JsonPropertyName("nodeRoleId")] public int NodeRoleId { get; init; }
    [JsonPropertyName("rolePolicyId")] public int RolePolicyId { get; init; }
    [JsonPropertyName("policyId")] public int PolicyId { get; init; }
    [JsonPropertyName("approvalStatus")] public required string ApprovalStatus { get; init; }
    [JsonPropertyName("offline")] public bool Offline { get; init; }
    [JsonPropertyName("displayName")] public required string DisplayName { get; init; }
    [JsonPropertyName("systemName")] public required string SystemName { get; init; }
    [JsonPropertyName("dnsName")] public string? DnsName { get; init; }
    [JsonPropertyName("netbiosName")] public string? NetbiosName { get; init; }
    [JsonPropertyName("created")] public required double Created { get; init; }
    [JsonPropertyName("lastContact")] public required double LastContact { get; init; }
    [JsonPropertyName("lastUpdate")] public required double LastUpdate { get; init; }
    [JsonPropertyName("tags")] public IReadOnlyList<string> Tags { get; init; } = [];

    [JsonIgnore] public string? IpAddress { get; init; }
    [JsonIgnore] public string? MacAddress { get; init; }
    [JsonIgnore] public string? PublicIp { get; init; }
    [JsonIgnore] public string? OsName { get; init; }
    [JsonIgnore] public string? Manufacturer { get; init; }
    [JsonIgnore] public string? Model { get; init; }
    [JsonIgnore] public string? SerialNumber { get; init; }
}

/// <summary>NinjaOne <c>nodeClass</c> and <c>approvalStatus</c> values the simulator uses (open strings on the wire).</summary>
public static class NinjaValues
{
    public const string WindowsWorkstation = "WINDOWS_WORKSTATION";
    public const string Mac = "MAC";
    public const string LinuxWorkstation = "LINUX_WORKSTATION";
    public const string WindowsServer = "WINDOWS_SERVER";
    public const string LinuxServer = "LINUX_SERVER";
    public const string VmwareGuest = "VMWARE_VM_GUEST";
    public const string NmsSwitch = "NMS_SWITCH";
    public const string NmsFirewall = "NMS_FIREWALL";
    public const string AppleIos = "APPLE_IOS";

    public const string Approved = "APPROVED";
    public const string Pending = "PENDING";
    public const string Staged = "STAGED";
    public const string Decommissioned = "DECOMMISSIONED";

    public static readonly IReadOnlySet<string> WorkstationClasses = new HashSet<string>(StringComparer.Ordinal) { WindowsWorkstation, Mac, LinuxWorkstation };
    public static readonly IReadOnlySet<string> ServerClasses = new HashSet<string>(StringComparer.Ordinal) { WindowsServer, LinuxServer, "MAC_SERVER" };

    /// <summary>The billing rule the tests and the demo assume: an approved workstation-class device.</summary>
    public static bool IsBillableWorkstation(NinjaDevice d) => d.ApprovalStatus == Approved && WorkstationClasses.Contains(d.NodeClass);

    /// <summary>The billing rule the tests and the demo assume: an approved server-class device.</summary>
    public static bool IsBillableServer(NinjaDevice d) => d.ApprovalStatus == Approved && ServerClasses.Contains(d.NodeClass);
}
