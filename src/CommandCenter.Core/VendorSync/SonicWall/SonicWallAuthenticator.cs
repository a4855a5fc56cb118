using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CommandCenter.VendorSync.Http;

namespace CommandCenter.VendorSync.SonicWall;

/// <summary>
/// The SonicWall sign-in chain (vendor-apis.md §4.2): MySonicWall <c>X-API-KEY</c> → <c>GET {msw}/api/hgms/get-cloud-tenants</c>
/// → per tenant <c>POST {msw}/api/generate-cscaccesscode</c> → <c>POST {nsm}/api/manager/auth/sso</c> → NSM bearer.
/// msw = TokenUrl ?? https://api.mysonicwall.com; nsm = BaseUrl. A redirect or HTML page in answer to the key means the key is invalid.
/// </summary>
internal sealed class SonicWallAuthenticator(VendorTokenClient tokens)
{
    public static readonly Uri DefaultMySonicWall = new("https://api.mysonicwall.com");
    private static readonly TimeSpan TenantListLifetime = TimeSpan.FromMinutes(5);
    // NSM tokens last 8 h but die after 15 min idle: refresh well before the idle timeout.
    private static readonly TimeSpan NsmTokenLifetime = TimeSpan.FromMinutes(14);

    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, IReadOnlyList<CloudTenant> Tenants)> _tenants = new(StringComparer.Ordinal);

    internal sealed record CloudTenant(string TenantId, string Name, string? TenantSerial);

    public async Task<IReadOnlyList<CloudTenant>> GetCloudTenantsAsync(ConnectionRuntime connection, bool refresh, CancellationToken cancellationToken)
    {
        var now = tokens.TimeProvider.GetUtcNow();
        if (!refresh && _tenants.TryGetValue(connection.PipelineKey, out var cached) && cached.Until > now)
        {
            return cached.Tenants;
        }

        const string what = "/api/hgms/get-cloud-tenants";
        var request = MswRequest(connection, HttpMethod.Get, what, null);
        var body = await SendMswAsync(connection, request, what, cancellationToken);
        var tenants = VendorCall.Parse(connection, what, body, ParseTenants);
        _tenants[connection.PipelineKey] = (now + TenantListLifetime, tenants);
        return tenants;
    }

    public async Task<AccessToken> GetNsmTokenAsync(ConnectionRuntime connection, string tenantId, CancellationToken cancellationToken)
    {
        var tenant = (await GetCloudTenantsAsync(connection, refresh: false, cancellationToken))
            .FirstOrDefault(t => string.Equals(t.TenantId, tenantId, StringComparison.OrdinalIgnoreCase))
            ?? throw new VendorSyncException($"SonicWall: tenant {tenantId} is not among the MySonicWall tenants of this API key.");
        if (string.IsNullOrWhiteSpace(tenant.TenantSerial))
        {
            throw new VendorSyncException($"SonicWall: tenant '{tenant.Name}' ({tenantId}) has no NSM service (no tenantSerial), so NSM cannot be read for it.");
        }

        const string codeWhat = "/api/generate-cscaccesscode";
        var codeRequest = MswRequest(connection, HttpMethod.Post, codeWhat,
            new JsonObject { ["tenantId"] = tenant.TenantId, ["tileName"] = "ISNSMSAFEENABLED" });
        var codeBody = await SendMswAsync(connection, codeRequest, codeWhat, cancellationToken);
        var code = VendorCall.Parse(connection, codeWhat, codeBody, json =>
            FindString(JsonNode.Parse(json), ["content", "accessCode"], ["accessCode"], ["content", "code"], ["code"], ["content"])
            ?? throw new VendorSyncException($"SonicWall {codeWhat} answered without an access code."));

        const string ssoWhat = "/api/manager/auth/sso";
        var ssoRequest = new HttpRequestMessage(HttpMethod.Post, VendorRoutingHandler.Combine(connection.BaseUrl, ssoWhat))
        {
            Content = new StringContent(
                new JsonObject { ["tenantSerial"] = tenant.TenantSerial, ["code"] = code }.ToJsonString(),
                System.Text.Encoding.UTF8,
                "application/json"),
        };
        var ssoBody = await tokens.SendAsync(connection, ssoRequest, $"NSM sign-in ({ssoWhat})", cancellationToken);
        var token = VendorCall.Parse(connection, ssoWhat, ssoBody, json =>
        {
            var node = JsonNode.Parse(json);
            if (node is JsonObject && node["status"]?["success"] is JsonValue success && success.TryGetValue<bool>(out var ok) && !ok)
            {
                throw new VendorSyncException($"SonicWall NSM sign-in failed: {VendorErrors.MessageFrom(json) ?? "success=false"}");
            }

            return FindString(node, ["status", "info", "0", "message"], ["status", "info", "message"], ["token"], ["access_token"])
                ?? throw new VendorSyncException($"SonicWall {ssoWhat} answered without a token.");
        });
        return new AccessToken(token, tokens.TimeProvider.GetUtcNow() + NsmTokenLifetime);
    }

    private static HttpRequestMessage MswRequest(ConnectionRuntime connection, HttpMethod method, string path, JsonObject? body)
    {
        var request = new HttpRequestMessage(method, VendorRoutingHandler.Combine(connection.TokenUrl ?? DefaultMySonicWall, path));
        request.Headers.TryAddWithoutValidation("X-API-KEY", connection.Credentials.ApiKey ?? "");
        request.Headers.Accept.ParseAdd("application/json");
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        }

        return request;
    }

    private async Task<string> SendMswAsync(ConnectionRuntime connection, HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await tokens.SendAsync(connection, request, $"MySonicWall {what}", cancellationToken);
        }
        catch (VendorSyncException exception) when (exception.StatusCode is { } status
            && ((int)status is >= 300 and < 400 || status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
        {
            throw InvalidKey(exception.StatusCode, exception);
        }

        if (body.TrimStart().StartsWith('<'))
        {
            throw InvalidKey(HttpStatusCode.OK, null);
        }

        return body;
    }

    private static VendorSyncException InvalidKey(HttpStatusCode? status, Exception? inner) =>
        new("SonicWall: invalid API key — MySonicWall did not accept the X-API-KEY (it answered with its login page or refused it). Generate a new key in MySonicWall.", inner)
        {
            StatusCode = status,
        };

    internal static IReadOnlyList<CloudTenant> ParseTenants(string json)
    {
        var root = JsonNode.Parse(json);
        var list = FindArray(root, ["content", "arrTenants"], ["arrTenants"], ["content", "tenants"], ["tenants"], ["content"], [])
            ?? throw new JsonException("No tenant list (content.arrTenants) in the answer.");
        var tenants = new List<CloudTenant>();
        foreach (var item in list.OfType<JsonObject>())
        {
            var id = FindString(item, ["productGroupID"], ["productGroupId"], ["tenantId"], ["id"]);
            if (id is null)
            {
                continue;
            }

            var services = item["cloudServices"] as JsonArray;
            var nsm = services?.OfType<JsonObject>().FirstOrDefault(s =>
                string.Equals(FindString(s, ["serviceName"]), "NGMGMT", StringComparison.OrdinalIgnoreCase));
            var serial = FindString(nsm, ["tenantSerial"])
                ?? services?.OfType<JsonObject>().Select(s => FindString(s, ["tenantSerial"])).FirstOrDefault(s => s is not null)
                ?? FindString(item, ["tenantSerial"]);
            tenants.Add(new CloudTenant(id, FindString(item, ["name"], ["tenantName"], ["productGroupName"]) ?? id, serial));
        }

        return tenants;
    }

    internal static JsonArray? FindArray(JsonNode? root, params string[][] paths) =>
        paths.Select(path => Walk(root, path)).OfType<JsonArray>().FirstOrDefault();

    internal static string? FindString(JsonNode? root, params string[][] paths)
    {
        foreach (var path in paths)
        {
            if (Walk(root, path) is JsonValue value)
            {
                var text = value.GetValueKind() switch
                {
                    JsonValueKind.String => value.GetValue<string>(),
                    JsonValueKind.Number => value.ToJsonString(),
                    _ => null,
                };
                if (!string.IsNullOrWhiteSpace(text))
                {
                    return text.Trim();
                }
            }
        }

        return null;
    }

    private static JsonNode? Walk(JsonNode? node, string[] path)
    {
        foreach (var segment in path)
        {
            node = node switch
            {
                JsonArray array when int.TryParse(segment, out var index) => index < array.Count ? array[index] : null,
                JsonObject obj => obj.FirstOrDefault(p => string.Equals(p.Key, segment, StringComparison.OrdinalIgnoreCase)).Value,
                _ => null,
            };
        }

        return node;
    }
}

/// <summary>NSM bearer per (connection, NSM tenant), from the MySonicWall chain; a 401 re-runs the chain once.</summary>
internal sealed class SonicWallAuthHandler(VendorTokenCache cache, SonicWallAuthenticator authenticator) : TokenAuthHandler(cache)
{
    protected override Task<AccessToken> AcquireAsync(ConnectionRuntime connection, string? tenant, CancellationToken cancellationToken) =>
        authenticator.GetNsmTokenAsync(
            connection,
            tenant ?? throw new InvalidOperationException("A SonicWall NSM request needs the tenant it is for (VendorRequest.Tenant)."),
            cancellationToken);
}
