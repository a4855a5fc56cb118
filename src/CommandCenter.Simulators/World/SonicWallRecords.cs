using System.Text.Json.Serialization;

namespace CommandCenter.Simulators.World;

/// <summary>A MySonicWall tenant (product group) with its NSM tenant serial.</summary>
public sealed record SonicWallTenant(string TenantId, string Name, string TenantSerial);

/// <summary>A firewall in a tenant's NSM inventory, in the shape of vendor-apis.md §4.3.</summary>
public sealed record SonicWallFirewall
{
    [JsonPropertyName("serialNumber")] public required string SerialNumber { get; init; }
    [JsonPropertyName("friendlyName")] public string? FriendlyName { get; init; }
    [JsonPropertyName("model")] public string? Model { get; init; }
    [JsonPropertyName("firmwareVersion")] public string? FirmwareVersion { get; init; }
    [JsonPropertyName("online")] public bool? Online { get; init; }
    [JsonPropertyName("lastSeen")] public DateTimeOffset? LastSeen { get; init; }
    [JsonPropertyName("supportExpiry")] public DateOnly? SupportExpiry { get; init; }
    [JsonPropertyName("tenantId")] public required string TenantId { get; init; }
}
