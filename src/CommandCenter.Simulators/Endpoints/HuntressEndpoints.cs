using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Serialization;
using CommandCenter.Simulators.Infrastructure;
using CommandCenter.Simulators.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Routing;

namespace CommandCenter.Simulators.Endpoints;

/// <summary>Huntress API v1 (vendor-apis.md §3): Basic key:secret, <c>limit</c> + <c>page_token</c>, 60 requests per minute.</summary>
internal static class HuntressEndpoints
{
    public const string Vendor = "huntress";
    private const int MaxLimit = 500;
    private const int DefaultLimit = 10;

    public static void Map(RouteGroupBuilder group, SimulatorContext context)
    {
        var behavior = new Behavior();
        group.MapGet("/v1/account", () => new SimJson(new
        {
            account = new { id = HuntressData.AccountId, name = HuntressData.AccountName, subdomain = HuntressData.AccountSubdomain, status = "enabled" },
        })).Vendor(behavior);
        group.MapGet("/v1/actor", () => new SimJson(new
        {
            account = new { id = HuntressData.AccountId, name = HuntressData.AccountName, subdomain = HuntressData.AccountSubdomain, status = "enabled" },
            user = (object?)null,
        })).Vendor(behavior);
        group.MapGet("/v1/organizations", (HttpContext http, SimulatorWorld world) =>
        {
            var name = http.Request.Query["name"].ToString();
            var key = http.Request.Query["key"].ToString();
            var organizations = world.Huntress.Organizations.Where(o =>
                (name.Length == 0 || o.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                && (key.Length == 0 || o.Key.Equals(key, StringComparison.OrdinalIgnoreCase)));
            return Page(http, context, "/huntress/v1/organizations", organizations, o => o.Id, (items, pagination) => new OrganizationsEnvelope(items, pagination));
        }).Vendor(behavior);
        group.MapGet("/v1/organizations/{id:int}", (int id, SimulatorWorld world) =>
            world.Huntress.Organizations.FirstOrDefault(o => o.Id == id) is { } org
                ? new SimJson(new { organization = org })
                : NotFound()).Vendor(behavior);
        group.MapGet("/v1/agents", (HttpContext http, SimulatorWorld world) =>
        {
            var query = http.Request.Query;
            int? organizationId = null;
            if (query["organization_id"].ToString() is { Length: > 0 } orgText)
            {
                if (!int.TryParse(orgText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
                {
                    return BadRequest("organization_id must be an integer");
                }

                organizationId = id;
            }

            var platform = query["platform"].ToString();
            if (platform.Length > 0 && platform is not ("windows" or "darwin" or "linux"))
            {
                return BadRequest("platform must be one of windows, darwin, linux");
            }

            var hostname = query["hostname"].ToString();
            var os = query["os"].ToString();
            var agents = world.Huntress.Agents.Where(a =>
                (organizationId is null || a.OrganizationId == organizationId)
                && (platform.Length == 0 || a.Platform == platform)
                && (hostname.Length == 0 || a.Hostname.Equals(hostname, StringComparison.OrdinalIgnoreCase))
                && (os.Length == 0 || a.Os.Contains(os, StringComparison.OrdinalIgnoreCase)));
            return Page(http, context, "/huntress/v1/agents", agents, a => a.Id, (items, pagination) => new AgentsEnvelope(items, pagination));
        }).Vendor(behavior);
        group.MapGet("/v1/agents/{id:int}", (int id, SimulatorWorld world) =>
            world.Huntress.Agents.FirstOrDefault(a => a.Id == id) is { } agent
                ? new SimJson(new { agent })
                : NotFound()).Vendor(behavior);
    }

    /// <summary>
    /// Cursor paging over ids: the token says where the last page ended, so items are never repeated or skipped
    /// while pages are being read. Sorted by id (<c>sort_direction</c>, default desc as Huntress documents).
    /// </summary>
    private static IResult Page<T>(HttpContext http, SimulatorContext context, string path, IEnumerable<T> items, Func<T, int> id, Func<IReadOnlyList<T>, Pagination, object> envelope)
    {
        var query = http.Request.Query;
        var limit = DefaultLimit;
        if (query["limit"].ToString() is { Length: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            return BadRequest($"limit must be between 1 and {MaxLimit}");
        }

        var direction = query["sort_direction"].ToString() is { Length: > 0 } d ? d.ToLowerInvariant() : "desc";
        if (direction is not ("asc" or "desc"))
        {
            return BadRequest("sort_direction must be asc or desc");
        }

        if (query["sort_field"].ToString() is { Length: > 0 } sortField && sortField != "id")
        {
            // Other sort fields exist at Huntress; the simulator keeps to id so the cursor stays exact.
            return BadRequest("sort_field: the simulator supports only id");
        }

        int? after = null;
        if (query["page_token"].ToString() is { Length: > 0 } token)
        {
            if (!TryReadToken(token, direction, out var last))
            {
                return BadRequest("Invalid page_token");
            }

            after = last;
        }

        // The world keeps organizations and agents sorted by id, so no sort is needed for either direction.
        var ordered = direction == "asc" ? items : items.Reverse();
        var remaining = after is { } a ? ordered.Where(x => direction == "asc" ? id(x) > a : id(x) < a) : ordered;
        var page = remaining.Take(limit + 1).ToList();
        var hasMore = page.Count > limit;
        if (hasMore)
        {
            page.RemoveAt(limit);
        }

        var pagination = new Pagination(null, null);
        if (hasMore)
        {
            var next = WriteToken(id(page[^1]), direction);
            var qb = new QueryBuilder();
            foreach (var (key, values) in query.Where(q => q.Key is not ("page_token" or "limit")))
            {
                foreach (var value in values)
                {
                    qb.Add(key, value ?? "");
                }
            }

            qb.Add("page_token", next);
            qb.Add("limit", limit.ToString(CultureInfo.InvariantCulture));
            pagination = new Pagination(next, context.BaseUrl(http.Request) + path + qb.ToQueryString());
        }

        return new SimJson(envelope(page, pagination), emptyPage: envelope([], new Pagination(null, null)));
    }

    private static string WriteToken(int lastId, string direction) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{direction}:{lastId}"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryReadToken(string token, string direction, out int lastId)
    {
        lastId = 0;
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split(':');
            return parts.Length == 2 && parts[0] == direction && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out lastId);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static SimJson BadRequest(string message) => new(new ErrorBody(400, "Bad Request", message), statusCode: 400);

    private static SimJson NotFound() => new(new ErrorBody(404, "Not Found", "Resource not found"), statusCode: 404);

    private sealed class Behavior : VendorBehavior
    {
        public override string Name => Vendor;

        public override ValueTask<AuthOutcome> AuthenticateAsync(HttpContext http)
        {
            if (!AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization.ToString(), out var header)
                || !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)
                || !TryDecode(header.Parameter, out var key, out var secret)
                || key != SimulatorCredentials.HuntressApiKey
                || secret != SimulatorCredentials.HuntressApiSecret)
            {
                return ValueTask.FromResult(AuthOutcome.Deny(Unauthorized()));
            }

            var wait = Service<SlidingWindowLimiter>(http).TryAcquire("huntress:" + key, Options(http).HuntressRequestsPerMinute);
            return ValueTask.FromResult(wait is { } seconds ? AuthOutcome.Deny(TooManyRequests(http, seconds)) : AuthOutcome.Allow(key));
        }

        // Basic credentials do not expire; the account's key was revoked for this one answer.
        public override IResult ExpiredToken(HttpContext http, object? principal) => Unauthorized();

        public override IResult TooManyRequests(HttpContext http, int retryAfterSeconds) =>
            new SimJson(new ErrorBody(429, "Too Many Requests", "Rate limit exceeded: 60 requests per minute"), statusCode: 429)
                .WithHeader("Retry-After", retryAfterSeconds.ToString(CultureInfo.InvariantCulture));

        public override IResult ServerError(HttpContext http) =>
            new SimJson(new ErrorBody(500, "Internal Server Error", "Something went wrong"), statusCode: 500);

        private static SimJson Unauthorized() =>
            new SimJson(new ErrorBody(401, "Unauthorized", "Invalid API key or secret"), statusCode: 401)
                .WithHeader("WWW-Authenticate", "Basic realm=\"Huntress API\"");

        private static bool TryDecode(string? parameter, out string? key, out string? secret)
        {
            key = secret = null;
            if (parameter is null)
            {
                return false;
            }

            try
            {
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
                var colon = text.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                {
                    return false;
                }

                key = text[..colon];
                secret = text[(colon + 1)..];
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }
    }

    private sealed record ErrorBody(
        [property: JsonPropertyName("status")] int Status,
        [property: JsonPropertyName("error")] string Error,
        [property: JsonPropertyName("message")] string Message);

    /// <summary>Both keys absent on the last page, as Huntress sends it.</summary>
    private sealed record Pagination(
        [property: JsonPropertyName("next_page_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextPageToken,
        [property: JsonPropertyName("next_page_url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextPageUrl);

    private sealed record OrganizationsEnvelope(
        [property: JsonPropertyName("organizations")] IReadOnlyList<HuntressOrganization> Organizations,
        [property: JsonPropertyName("pagination")] Pagination Pagination);

    private sealed record AgentsEnvelope(
        [property: JsonPropertyName("agents")] IReadOnlyList<HuntressAgent> Agents,
        [property: JsonPropertyName("pagination")] Pagination Pagination);
}
