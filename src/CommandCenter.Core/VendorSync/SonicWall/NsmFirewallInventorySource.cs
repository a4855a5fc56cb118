using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CommandCenter.VendorSync.Http;

namespace CommandCenter.VendorSync.SonicWall;

/// <summary>
/// Firewalls managed in NSM, per MySonicWall tenant: tenants from the MySonicWall key, firewalls from the connection's
/// inventory path with that tenant's NSM token. Accepts <c>{tenantId, firewalls:[…]}</c>, a bare array, or
/// <c>content</c>/<c>devices</c> arrays.
/// </summary>
internal sealed class NsmFirewallInventorySource(ConnectionRuntime connection, ISonicWallApi api, SonicWallAuthenticator authenticator)
    : IFirewallInventorySource
{
    public const string DefaultInventoryPath = "/api/manager/devices/tenant";

    public string SourceName => "sonicwall-nsm";

    private string InventoryPath => string.IsNullOrWhiteSpace(connection.InventoryPath) ? DefaultInventoryPath : connection.InventoryPath.Trim();

    public async Task<IReadOnlyList<FirewallTenant>> GetTenantsAsync(CancellationToken ct) =>
        (await authenticator.GetCloudTenantsAsync(connection, refresh: true, ct))
            .Select(t => new FirewallTenant(t.TenantId, t.Name))
            .ToList();

    public async Task<IReadOnlyList<ManagedFirewall>> GetFirewallsAsync(string tenantId, CancellationToken ct)
    {
        var what = $"{InventoryPath} (tenant {tenantId})";
        var body = await VendorCall.RunAsync(connection, what,
            () => api.GetInventory(connection, tenantId, InventoryPath.TrimStart('/'), ct), ct);
        return VendorCall.Parse(connection, what, body, json => ParseFirewalls(json, tenantId));
    }

    internal static IReadOnlyList<ManagedFirewall> ParseFirewalls(string json, string tenantId)
    {
        var root = JsonNode.Parse(json);
        if (root is JsonObject && root["status"]?["success"] is JsonValue success && success.TryGetValue<bool>(out var ok) && !ok)
        {
            throw new VendorSyncException($"SonicWall NSM refused the inventory of tenant {tenantId}: {VendorErrors.MessageFrom(json) ?? "success=false"}");
        }

        var array = SonicWallAuthenticator.FindArray(root,
            [], ["firewalls"], ["content"], ["devices"], ["content", "firewalls"], ["content", "devices"], ["data"])
            ?? throw new JsonException("No firewall list (firewalls, content or devices) in the answer.");
        var firewalls = new List<ManagedFirewall>();
        foreach (var item in array.OfType<JsonObject>())
        {
            var serial = SonicWallAuthenticator.FindString(item, ["serialNumber"], ["serial"], ["serial_number"], ["sn"]);
            if (serial is null)
            {
                continue;
            }

            firewalls.Add(new ManagedFirewall(
                serial,
                SonicWallAuthenticator.FindString(item, ["friendlyName"], ["name"], ["deviceName"]),
                SonicWallAuthenticator.FindString(item, ["model"], ["productName"]),
                SonicWallAuthenticator.FindString(item, ["firmwareVersion"], ["firmware"]),
                Online(item),
                Date(SonicWallAuthenticator.FindString(item, ["lastSeen"], ["lastSeenAt"], ["lastContact"])),
                Date(SonicWallAuthenticator.FindString(item, ["supportExpiry"])) is { } expiry ? DateOnly.FromDateTime(expiry.UtcDateTime) : null,
                SonicWallAuthenticator.FindString(item, ["tenantId"]) ?? tenantId));
        }

        return firewalls;
    }

    private static bool? Online(JsonObject item)
    {
        foreach (var name in new[] { "online", "isOnline", "connected" })
        {
            if (item[name] is JsonValue value)
            {
                if (value.TryGetValue<bool>(out var flag))
                {
                    return flag;
                }

                if (value.TryGetValue<string>(out var text) && bool.TryParse(text, out flag))
                {
                    return flag;
                }
            }
        }

        return SonicWallAuthenticator.FindString(item, ["status"], ["connectionStatus"])?.ToUpperInvariant() switch
        {
            "ONLINE" or "UP" or "CONNECTED" => true,
            "OFFLINE" or "DOWN" or "DISCONNECTED" => false,
            _ => null,
        };
    }

    private static DateTimeOffset? Date(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : null;
}
