using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CommandCenter.Simulators.Infrastructure;
using CommandCenter.Simulators.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CommandCenter.Simulators.Endpoints;

/// <summary>
/// SonicWall (vendor-apis.md §4): MySonicWall (<c>/msw</c>, X-API-KEY) lists tenants and hands out 5-minute access
/// codes; NSM (<c>/nsm</c>) swaps a code for a tenant-bound bearer token and lists that tenant's firewalls.
/// </summary>
internal static class SonicWallEndpoints
{
    public const string Vendor = "sonicwall";
    public const string NsmTokenVendor = "sonicwall-nsm";
    public const string AccessCodeVendor = "sonicwall-code";
    public const string TileName = "ISNSMSAFEENABLED";

    public static void Map(RouteGroupBuilder group, SimulatorContext context)
    {
        var msw = new MswBehavior(context);
        var nsm = new NsmBehavior();
        var inventory = new InventoryBehavior(context);

        group.MapGet("/msw/login", () => Results.Content(
            "<!DOCTYPE html><html><head><title>MySonicWall - Login</title></head><body><h1>MySonicWall</h1>"
            + "<form method=\"post\"><input name=\"username\"/><input name=\"password\" type=\"password\"/><button>Sign in</button></form></body></html>",
            "text/html; charset=utf-8"));
        group.MapGet("/msw/api/hgms/get-cloud-tenants", (SimulatorWorld world) => new SimJson(
            new { content = new { arrTenants = world.SonicWall.Tenants.Select(CloudTenant).ToList() } },
            emptyPage: new { content = new { arrTenants = Array.Empty<object>() } })).Vendor(msw);
        group.MapPost("/msw/api/generate-cscaccesscode", AccessCodeAsync).Vendor(msw, tokenEndpoint: true, authenticate: true);

        group.MapPost("/nsm/api/manager/auth/sso", SsoAsync).Vendor(nsm, tokenEndpoint: true);
        group.MapGet("/nsm/api/manager/devices/tenant", (HttpContext http, SimulatorWorld world) =>
            Inventory(world, http.Principal<IssuedToken>().Subject)).Vendor(nsm);

        group.MapGet("/firewall-inventory/tenants/{tenantId}/firewalls", (string tenantId, HttpContext http, SimulatorWorld world) =>
        {
            var caller = http.Items[VendorBehavior.PrincipalKey];
            if (caller is IssuedToken token && token.Subject != tenantId)
            {
                return NsmStatus(403, "error", "E_FORBIDDEN", "The token belongs to another tenant");
            }

            return world.SonicWall.Tenants.Any(t => t.TenantId == tenantId)
                ? Inventory(world, tenantId)
                : NsmStatus(404, "error", "E_NOT_FOUND", $"Tenant {tenantId} not found");
        }).Vendor(inventory);
    }

    private static object CloudTenant(SonicWallTenant t) => new
    {
        name = t.Name,
        productGroupID = t.TenantId,
        cloudServices = new object[]
        {
            new { serviceName = "NGMGMT", tenantSerial = t.TenantSerial, region = "uswest" },
            new { serviceName = "CAPTURECLIENT", tenantSerial = (string?)null, region = "uswest" },
        },
    };

    private static SimJson Inventory(SimulatorWorld world, string tenantId) => new(
        new InventoryBody(tenantId, world.SonicWall.FirewallsOf(tenantId)),
        emptyPage: new InventoryBody(tenantId, []));

    private static async Task<IResult> AccessCodeAsync(HttpContext http, SimulatorWorld world, SimulatorTokens tokens, IOptions<SimulatorOptions> options)
    {
        var body = await ReadAsync<AccessCodeRequest>(http);
        if (body?.TenantId is null || body.TileName != TileName)
        {
            return MswError(400, "tenantId and tileName \"" + TileName + "\" are required");
        }

        var tenant = world.SonicWall.Tenants.FirstOrDefault(t => t.TenantId == body.TenantId);
        if (tenant is null)
        {
            return MswError(400, $"Tenant {body.TenantId} is not in this account");
        }

        var code = tokens.Issue(AccessCodeVendor, tenant.TenantSerial, options.Value.SonicWallAccessCodeLifetime);
        return new SimJson(new { content = new { accessCode = code }, isSuccess = true });
    }

    private static async Task<IResult> SsoAsync(HttpContext http, SimulatorWorld world, SimulatorTokens tokens, IOptions<SimulatorOptions> options)
    {
        var body = await ReadAsync<SsoRequest>(http);
        var redeemed = body?.TenantSerial is null ? null : tokens.Check(AccessCodeVendor, body.Code) is (TokenCheck.Valid, { } code) && code.Subject == body.TenantSerial
            ? tokens.Redeem(AccessCodeVendor, body.Code)
            : null;
        var tenant = redeemed is null ? null : world.SonicWall.Tenants.FirstOrDefault(t => t.TenantSerial == redeemed.Subject);
        if (tenant is null)
        {
            return NsmStatus(401, "error", "E_UNAUTHORIZED", "Invalid or expired access code");
        }

        var o = options.Value;
        var token = tokens.Issue(NsmTokenVendor, tenant.TenantId, o.NsmTokenLifetime, o.NsmTokenIdleTimeout, prefix: "nsm.");
        return NsmStatus(200, "info", "E_OK", token);
    }

    private static async Task<T?> ReadAsync<T>(HttpContext http)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, SimJsonOptions.Read, http.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static SimJson MswError(int status, string message) =>
        new(new { content = (object?)null, isSuccess = false, message }, statusCode: status);

    private static SimJson NsmStatus(int status, string level, string code, string message) =>
        new(new NsmEnvelope(new NsmStatusBody(status < 400, [new NsmInfo(level, code, message)])), statusCode: status);

    /// <summary>A bad or missing key gets what MySonicWall gives a browser: a redirect to its HTML login page.</summary>
    private static IResult LoginRedirect(HttpContext http, SimulatorContext context) =>
        Results.Redirect(context.BaseUrl(http.Request) + "/sonicwall/msw/login?returnUrl=" + Uri.EscapeDataString(http.Request.Path.Value ?? ""));

    private static bool HasMswKey(HttpContext http) => http.Request.Headers["X-API-KEY"] == SimulatorCredentials.SonicWallMswApiKey;

    private sealed class MswBehavior(SimulatorContext context) : VendorBehavior
    {
        public override string Name => Vendor;

        public override ValueTask<AuthOutcome> AuthenticateAsync(HttpContext http) =>
            ValueTask.FromResult(HasMswKey(http) ? AuthOutcome.Allow(null) : AuthOutcome.Deny(LoginRedirect(http, context)));

        // The API key itself stays valid (tests share it); this one answer is the expired-key redirect.
        public override IResult ExpiredToken(HttpContext http, object? principal) => LoginRedirect(http, context);

        public override IResult TooManyRequests(HttpContext http, int retryAfterSeconds) =>
            MswError(429, "Too many requests").WithHeader("Retry-After", retryAfterSeconds.ToString(CultureInfo.InvariantCulture));

        public override IResult ServerError(HttpContext http) => MswError(500, "Internal server error");
    }

    private class NsmBehavior : VendorBehavior
    {
        public override string Name => Vendor;

        public override ValueTask<AuthOutcome> AuthenticateAsync(HttpContext http)
        {
            var (check, token) = Service<SimulatorTokens>(http).Check(NsmTokenVendor, SimulatorTokens.Bearer(http.Request));
            return ValueTask.FromResult(check == TokenCheck.Valid
                ? AuthOutcome.Allow(token)
                : AuthOutcome.Deny(NsmStatus(401, "error", "E_UNAUTHORIZED", check == TokenCheck.Expired ? "Session expired" : "Invalid token")));
        }

        public override IResult ExpiredToken(HttpContext http, object? principal)
        {
            if (principal is IssuedToken token)
            {
                token.Revoked = true;
            }

            return NsmStatus(401, "error", "E_UNAUTHORIZED", "Session expired");
        }

        public override IResult TooManyRequests(HttpContext http, int retryAfterSeconds) =>
            NsmStatus(429, "error", "E_TOO_MANY_REQUESTS", "Too many requests").WithHeader("Retry-After", retryAfterSeconds.ToString(CultureInfo.InvariantCulture));

        public override IResult ServerError(HttpContext http) => NsmStatus(500, "error", "E_INTERNAL", "Internal server error");
    }

    /// <summary>The inventory contract accepts an NSM token of that tenant, or the MSP-wide MySonicWall key.</summary>
    private sealed class InventoryBehavior(SimulatorContext context) : NsmBehavior
    {
        public override ValueTask<AuthOutcome> AuthenticateAsync(HttpContext http) =>
            HasMswKey(http) ? ValueTask.FromResult(AuthOutcome.Allow(null))
            : http.Request.Headers.ContainsKey("X-API-KEY") ? ValueTask.FromResult(AuthOutcome.Deny(LoginRedirect(http, context)))
            : base.AuthenticateAsync(http);
    }

    private sealed record AccessCodeRequest(
        [property: JsonPropertyName("tenantId")] string? TenantId,
        [property: JsonPropertyName("tileName")] string? TileName);

    private sealed record SsoRequest(
        [property: JsonPropertyName("tenantSerial")] string? TenantSerial,
        [property: JsonPropertyName("code")] string? Code);

    private sealed record NsmInfo(
        [property: JsonPropertyName("level")] string Level,
        [property: JsonPropertyName("code")] string Code,
        [property: JsonPropertyName("message")] string Message);

    private sealed record NsmStatusBody(
        [property: JsonPropertyName("success")] bool Success,
        [property: JsonPropertyName("info")] IReadOnlyList<NsmInfo> Info);

    private sealed record NsmEnvelope([property: JsonPropertyName("status")] NsmStatusBody Status);

    private sealed record InventoryBody(
        [property: JsonPropertyName("tenantId")] string TenantId,
        [property: JsonPropertyName("firewalls")] IReadOnlyList<SonicWallFirewall> Firewalls);
}
