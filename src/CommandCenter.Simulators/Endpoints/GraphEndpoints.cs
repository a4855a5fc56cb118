using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CommandCenter.Simulators.Infrastructure;
using CommandCenter.Simulators.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CommandCenter.Simulators.Endpoints;

/// <summary>
/// Microsoft Graph (vendor-apis.md §5): per-tenant client_credentials at <c>/graph/login/{tenant}</c>; the partner
/// tenant's token lists GDAP customers, a customer tenant's token reads that tenant's <c>subscribedSkus</c>.
/// </summary>
internal static class GraphEndpoints
{
    public const string Vendor = "graph";

    public static void Map(RouteGroupBuilder group, SimulatorContext context)
    {
        var behavior = new Behavior();
        group.MapPost("/login/{tenantId}/oauth2/v2.0/token", TokenAsync).Vendor(behavior, tokenEndpoint: true);
        group.MapGet("/v1.0/tenantRelationships/delegatedAdminCustomers", (HttpContext http, SimulatorWorld world, IOptions<SimulatorOptions> options) =>
        {
            if (http.Principal<IssuedToken>().Subject != SimulatorCredentials.GraphPartnerTenantId)
            {
                return GraphError(http, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
            }

            return Collection(http, context, options.Value, "/graph/v1.0/tenantRelationships/delegatedAdminCustomers", "tenantRelationships/delegatedAdminCustomers", world.Graph.Customers);
        }).Vendor(behavior);
        group.MapGet("/v1.0/subscribedSkus", (HttpContext http, SimulatorWorld world, IOptions<SimulatorOptions> options) =>
        {
            var tenant = Guid.Parse(http.Principal<IssuedToken>().Subject);
            return Collection(http, context, options.Value, "/graph/v1.0/subscribedSkus", "subscribedSkus", world.Graph.SkusOf(tenant));
        }).Vendor(behavior);
    }

    private static async Task<IResult> TokenAsync(string tenantId, HttpContext http, SimulatorWorld world, SimulatorTokens tokens, IOptions<SimulatorOptions> options, TimeProvider time)
    {
        var isPartner = tenantId.Equals(SimulatorCredentials.GraphPartnerTenantId, StringComparison.OrdinalIgnoreCase);
        if (!isPartner && !(Guid.TryParse(tenantId, out var tenantGuid) && world.Graph.IsCustomer(tenantGuid)))
        {
            return AadError(time, 400, "invalid_request", 90002, $"Tenant '{tenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.");
        }

        if (!http.Request.HasFormContentType)
        {
            return AadError(time, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (form["grant_type"] != "client_credentials")
        {
            return AadError(time, 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '" + form["grant_type"] + "'.");
        }

        if (form["client_id"] != SimulatorCredentials.GraphClientId)
        {
            return AadError(time, 400, "unauthorized_client", 700016, $"Application with identifier '{form["client_id"]}' was not found in the directory '{tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.");
        }

        if (form["client_secret"] != SimulatorCredentials.GraphClientSecret)
        {
            return AadError(time, 401, "invalid_client", 7000215, $"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{SimulatorCredentials.GraphClientId}'.");
        }

        if (form["scope"] != SimulatorCredentials.GraphScope)
        {
            return AadError(time, 400, "invalid_scope", 1002012, $"The provided value for scope {form["scope"]} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
        }

        var lifetime = options.Value.GraphTokenLifetime;
        var subject = isPartner ? SimulatorCredentials.GraphPartnerTenantId : Guid.Parse(tenantId).ToString();
        var token = tokens.Issue(Vendor, subject, lifetime, prefix: "eyJ0eXAiOiJKV1Qi.");
        var seconds = (int)lifetime.TotalSeconds;
        return new SimJson(new TokenResponse("Bearer", seconds, seconds, token));
    }

    /// <summary>A Graph collection: <c>value</c>, and <c>@odata.nextLink</c> (absolute, with <c>$skiptoken</c>) while more remain.</summary>
    private static IResult Collection<T>(HttpContext http, SimulatorContext context, SimulatorOptions options, string path, string entitySet, IReadOnlyList<T> items)
    {
        var skip = 0;
        if (http.Request.Query["$skiptoken"].ToString() is { Length: > 0 } skipToken
            && (!int.TryParse(skipToken, NumberStyles.None, CultureInfo.InvariantCulture, out skip) || skip > items.Count))
        {
            return GraphError(http, 400, "BadRequest", "Invalid $skiptoken.");
        }

        var pageSize = options.GraphPageSize is { } size and > 0 ? size : int.MaxValue;
        var page = items.Skip(skip).Take(pageSize).ToList();
        var select = http.Request.Query["$select"].ToString();
        var baseUrl = context.BaseUrl(http.Request);
        var body = new JsonObject { ["@odata.context"] = baseUrl + "/graph/v1.0/$metadata#" + entitySet };
        if (skip + page.Count < items.Count)
        {
            var next = baseUrl + path + "?" + (select.Length > 0 ? "$select=" + Uri.EscapeDataString(select) + "&" : "")
                + "$skiptoken=" + (skip + page.Count).ToString(CultureInfo.InvariantCulture);
            body["@odata.nextLink"] = next;
        }

        body["value"] = Select(page, select);
        var empty = new JsonObject { ["@odata.context"] = body["@odata.context"]!.DeepClone(), ["value"] = new JsonArray() };
        return new SimJson(body, emptyPage: empty);
    }

    private static JsonArray Select<T>(List<T> page, string select)
    {
        var array = JsonSerializer.SerializeToNode(page, SimJsonOptions.WithNulls)!.AsArray();
        if (select.Length == 0)
        {
            return array;
        }

        var keep = select.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var item in array.OfType<JsonObject>())
        {
            foreach (var name in item.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                item.Remove(name);
            }
        }

        return array;
    }

    private static SimJson AadError(TimeProvider time, int status, string error, int code, string description)
    {
        var traceId = Guid.NewGuid().ToString();
        var correlationId = Guid.NewGuid().ToString();
        var timestamp = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return new SimJson(
            new AadErrorBody(
                error,
                $"AADSTS{code}: {description} Trace ID: {traceId} Correlation ID: {correlationId} Timestamp: {timestamp}",
                [code],
                timestamp,
                traceId,
                correlationId,
                $"https://login.microsoftonline.com/error?code={code}"),
            statusCode: status);
    }

    private static SimJson GraphError(HttpContext http, int status, string code, string message)
    {
        var time = http.RequestServices.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;
        var requestId = Guid.NewGuid().ToString();
        return new SimJson(
            new { error = new { code, message, innerError = new Dictionary<string, string>
            {
                ["date"] = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
                ["request-id"] = requestId,
                ["client-request-id"] = requestId,
            } } },
            statusCode: status);
    }

    private sealed class Behavior : VendorBehavior
    {
        public override string Name => Vendor;

        public override ValueTask<AuthOutcome> AuthenticateAsync(HttpContext http)
        {
            var (check, token) = Service<SimulatorTokens>(http).Check(Vendor, SimulatorTokens.Bearer(http.Request));
            return ValueTask.FromResult(check switch
            {
                TokenCheck.Valid => AuthOutcome.Allow(token),
                TokenCheck.Missing => AuthOutcome.Deny(Unauthorized(http, "Access token is empty.")),
                TokenCheck.Expired => AuthOutcome.Deny(Unauthorized(http, "Lifetime validation failed, the token is expired.")),
                _ => AuthOutcome.Deny(Unauthorized(http, "IDX14100: JWT is not well formed, there are no dots (.).")),
            });
        }

        public override IResult ExpiredToken(HttpContext http, object? principal)
        {
            if (principal is IssuedToken token)
            {
                token.Revoked = true;
            }

            return Unauthorized(http, "Lifetime validation failed, the token is expired.");
        }

        public override IResult TooManyRequests(HttpContext http, int retryAfterSeconds) =>
            GraphError(http, 429, "TooManyRequests", "Too many requests are being made. Please try again later.")
                .WithHeader("Retry-After", retryAfterSeconds.ToString(CultureInfo.InvariantCulture));

        public override IResult ServerError(HttpContext http) =>
            GraphError(http, 500, "UnknownError", "An internal server error occurred.");

        private static SimJson Unauthorized(HttpContext http, string message) =>
            GraphError(http, 401, "InvalidAuthenticationToken", message)
                .WithHeader("WWW-Authenticate", "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"");
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("token_type")] string TokenType,
        [property: JsonPropertyName("expires_in")] int ExpiresIn,
        [property: JsonPropertyName("ext_expires_in")] int ExtExpiresIn,
        [property: JsonPropertyName("access_token")] string AccessToken);

    private sealed record AadErrorBody(
        [property: JsonPropertyName("error")] string Error,
        [property: JsonPropertyName("error_description")] string ErrorDescription,
        [property: JsonPropertyName("error_codes")] IReadOnlyList<int> ErrorCodes,
        [property: JsonPropertyName("timestamp")] string Timestamp,
        [property: JsonPropertyName("trace_id")] string TraceId,
        [property: JsonPropertyName("correlation_id")] string CorrelationId,
        [property: JsonPropertyName("error_uri")] string ErrorUri);
}
