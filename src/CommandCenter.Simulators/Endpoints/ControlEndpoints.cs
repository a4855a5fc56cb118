using System.Text.Json.Serialization;
using CommandCenter.Simulators.Infrastructure;
using CommandCenter.Simulators.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CommandCenter.Simulators.Endpoints;

/// <summary>Test and demo switches: the fault queue, a forced drift step, a summary of the world.</summary>
internal static class ControlEndpoints
{
    public static void Map(RouteGroupBuilder group, SimulatorContext context)
    {
        group.MapGet("/", (HttpContext http) =>
        {
            var b = context.BaseUrl(http.Request);
            return Results.Json(new
            {
                ninjaOne = new { baseUrl = b + "/ninjaone", tokenUrl = b + "/ninjaone/ws/oauth/token", clientId = SimulatorCredentials.NinjaOneClientId, clientSecret = SimulatorCredentials.NinjaOneClientSecret },
                pax8 = new { baseUrl = b + "/pax8/v1", tokenUrl = b + "/pax8/v1/token", clientId = SimulatorCredentials.Pax8ClientId, clientSecret = SimulatorCredentials.Pax8ClientSecret, audience = SimulatorCredentials.Pax8Audience },
                huntress = new { baseUrl = b + "/huntress/v1", apiKey = SimulatorCredentials.HuntressApiKey, apiSecret = SimulatorCredentials.HuntressApiSecret },
                sonicWall = new { mswBaseUrl = b + "/sonicwall/msw", nsmBaseUrl = b + "/sonicwall/nsm", inventoryBaseUrl = b + "/sonicwall", apiKey = SimulatorCredentials.SonicWallMswApiKey },
                graph = new { baseUrl = b + "/graph/v1.0", loginBaseUrl = b + "/graph/login", partnerTenantId = SimulatorCredentials.GraphPartnerTenantId, clientId = SimulatorCredentials.GraphClientId, clientSecret = SimulatorCredentials.GraphClientSecret },
                conductor = new { baseUrl = b + "/conductor/v1", secretKey = AccountingSimulatorCredentials.ConductorSecretKey, endUserId = AccountingSimulatorCredentials.ConductorEndUserId },
                qbo = new { baseUrl = b + "/qbo", authorizeUrl = b + "/qbo/connect/oauth2", tokenUrl = b + "/qbo/oauth2/v1/tokens/bearer", clientId = AccountingSimulatorCredentials.QboClientId, clientSecret = AccountingSimulatorCredentials.QboClientSecret, realmId = AccountingSimulatorCredentials.QboRealmId },
                xero = new { baseUrl = b + "/xero/api.xro/2.0", authorizeUrl = b + "/xero/identity/connect/authorize", tokenUrl = b + "/xero/identity/connect/token", connectionsUrl = b + "/xero/connections", clientId = AccountingSimulatorCredentials.XeroClientId, clientSecret = AccountingSimulatorCredentials.XeroClientSecret, tenantId = AccountingSimulatorCredentials.XeroTenantId },
            });
        });
        group.MapGet("/_world", (SimulatorWorld world) => Results.Json(world.Summary()));
        group.MapGet("/_world/conductor/invoices", (SimulatorWorld world) => Results.Json(world.Conductor.Summaries()));
        group.MapPost("/_world/drift", (SimulatorWorld world) => Results.Json(world.Drift()));

        group.MapGet("/_faults", (SimulatorWorld world) => Results.Json(world.Faults.Pending));
        group.MapDelete("/_faults", (SimulatorWorld world) =>
        {
            world.Faults.Clear();
            return Results.NoContent();
        });
        group.MapPost("/_faults", (FaultRequest request, SimulatorWorld world) =>
        {
            if (!SimulatorFaults.TryParseKind(request.Kind, out var kind))
            {
                return Results.Problem(statusCode: 400, title: "Unknown fault kind", detail: "kind must be one of 429, 500, timeout, malformed, truncated, empty-page, expired-token, commit-timeout, reject.");
            }

            try
            {
                var pending = world.Faults.Enqueue(new FaultSpec(
                    request.Vendor ?? "",
                    kind,
                    request.Count ?? 1,
                    string.IsNullOrEmpty(request.PathContains) ? null : request.PathContains,
                    request.RetryAfterSeconds ?? 1,
                    request.DelaySeconds ?? 30));
                return Results.Json(pending, statusCode: StatusCodes.Status201Created);
            }
            catch (ArgumentException e)
            {
                return Results.Problem(statusCode: 400, title: "Invalid fault", detail: e.Message);
            }
        });
    }

    internal sealed record FaultRequest(
        [property: JsonPropertyName("vendor")] string? Vendor,
        [property: JsonPropertyName("kind")] string? Kind,
        [property: JsonPropertyName("count")] int? Count,
        [property: JsonPropertyName("pathContains")] string? PathContains,
        [property: JsonPropertyName("retryAfterSeconds")] int? RetryAfterSeconds,
        [property: JsonPropertyName("delaySeconds")] double? DelaySeconds);
}
