using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using CommandCenter.Simulators.Infrastructure;
using CommandCenter.Simulators.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CommandCenter.Simulators.Endpoints;

/// <summary>NinjaOne Public API v2 (vendor-apis.md §1): form client_credentials, bare arrays, keyset paging.</summary>
internal static partial class NinjaOneEndpoints
{
    public const string Vendor = "ninjaone";
    private static readonly string[] KnownScopes = ["monitoring", "management", "control"];

    public static void Map(RouteGroupBuilder group)
    {
        var behavior = new Behavior();
        group.MapPost("/ws/oauth/token", TokenAsync).Vendor(behavior, tokenEndpoint: true);
        group.MapGet("/v2/organizations", (HttpContext http, SimulatorWorld world) => Organizations(http, world, detailed: false)).Vendor(behavior);
        group.MapGet("/v2/organizations-detailed", (HttpContext http, SimulatorWorld world) => Organizations(http, world, detailed: true)).Vendor(behavior);
        group.MapGet("/v2/organization/{id:int}", (int id, SimulatorWorld world) => world.NinjaOne.FindOrganization(id) is { } org
            ? new SimJson(Detailed(org), SimJsonOptions.OmitNulls)
            : NotFound("Organization not found")).Vendor(behavior);
        group.MapGet("/v2/devices", (HttpContext http, SimulatorWorld world) => Devices(http, world, detailed: false)).Vendor(behavior);
        group.MapGet("/v2/devices-detailed", (HttpContext http, SimulatorWorld world) => Devices(http, world, detailed: true)).Vendor(behavior);
        group.MapGet("/v2/organization/{id:int}/devices", (int id, HttpContext http, SimulatorWorld world) => OrganizationDevices(id, http, world)).Vendor(behavior);
        group.MapGet("/v2/device/{id:int}", (int id, SimulatorWorld world) => world.NinjaOne.DevicePage(d => d.Id == id, id - 1, 1) is [var device]
            ? new SimJson(DetailedDevice(device, world), SimJsonOptions.OmitNulls)
            : NotFound("Device not found")).Vendor(behavior);
    }

    private static async Task<IResult> TokenAsync(HttpContext http, SimulatorTokens tokens, Microsoft.Extensions.Options.IOptions<SimulatorOptions> options)
    {
        if (!http.Request.HasFormContentType)
        {
            return OAuthError(400, "invalid_request");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (form["grant_type"] != "client_credentials")
        {
            return OAuthError(400, "unsupported_grant_type");
        }

        if (form["client_id"] != SimulatorCredentials.NinjaOneClientId || form["client_secret"] != SimulatorCredentials.NinjaOneClientSecret)
        {
            return OAuthError(401, "invalid_client");
        }

        // Grants the known scopes asked for and drops the rest (offline_access included): the token response says
        // what was granted. Some instances refuse offline_access outright; clients should not send it either way.
        var scopes = form["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => KnownScopes.Contains(s, StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        if (scopes.Length == 0)
        {
            scopes = ["monitoring"];
        }

        var lifetime = options.Value.NinjaOneTokenLifetime;
        var token = tokens.Issue(Vendor, SimulatorCredentials.NinjaOneClientId, lifetime, prefix: "ninja.");
        return new SimJson(new TokenResponse(token, "Bearer", (int)lifetime.TotalSeconds, string.Join(' ', scopes)));
    }

    private static IResult Organizations(HttpContext http, SimulatorWorld world, bool detailed)
    {
        if (!TryPaging(http.Request, out var pageSize, out var after, out var error))
        {
            return error!;
        }

        var page = world.NinjaOne.OrganizationPage(after, pageSize);
        object payload = detailed ? page.Select(Detailed).ToList() : page;
        return new SimJson(payload, SimJsonOptions.OmitNulls, emptyPage: Array.Empty<object>());
    }

    private static IResult Devices(HttpContext http, SimulatorWorld world, bool detailed)
    {
        if (!TryPaging(http.Request, out var pageSize, out var after, out var error))
        {
            return error!;
        }

        if (!DeviceFilter.TryParse(http.Request.Query["df"], out var filter, out var problem))
        {
            return Failure(400, problem!);
        }

        var page = world.NinjaOne.DevicePage(filter!, after, pageSize);
        return DevicesResult(page, world, detailed);
    }

    private static IResult OrganizationDevices(int id, HttpContext http, SimulatorWorld world)
    {
        if (world.NinjaOne.FindOrganization(id) is null)
        {
            return NotFound("Organization not found");
        }

        if (!TryPaging(http.Request, out var pageSize, out var after, out var error))
        {
            return error!;
        }

        return DevicesResult(world.NinjaOne.DevicePage(d => d.OrganizationId == id, after, pageSize), world, detailed: false);
    }

    private static SimJson DevicesResult(List<NinjaDevice> page, SimulatorWorld world, bool detailed)
    {
        object payload = detailed ? page.Select(d => DetailedDevice(d, world)).ToList() : page;
        return new SimJson(payload, SimJsonOptions.OmitNulls, emptyPage: Array.Empty<object>());
    }

    private static bool TryPaging(HttpRequest request, out int pageSize, out int after, out IResult? error)
    {
        pageSize = int.MaxValue;
        after = 0;
        error = null;
        var size = request.Query["pageSize"].ToString();
        var afterText = request.Query["after"].ToString();
        if (size.Length > 0 && (!int.TryParse(size, out pageSize) || pageSize < 1))
        {
            error = Failure(400, "pageSize must be a positive integer");
            return false;
        }

        if (afterText.Length > 0 && !int.TryParse(afterText, out after))
        {
            error = Failure(400, "after must be an integer");
            return false;
        }

        return true;
    }

    private static object Detailed(NinjaOrganization org) => new OrganizationDetailed
    {
        Id = org.Id,
        Name = org.Name,
        Description = org.Description,
        NodeApprovalMode = org.NodeApprovalMode,
        UserData = org.UserData,
        Locations = [new Location(org.LocationId, "Main Office", "", "")],
        Policies = [new PolicyMapping(1, 11), new PolicyMapping(2, 12)],
        Settings = new Dictionary<string, object>(),
    };

    private static DeviceDetailed DetailedDevice(NinjaDevice d, SimulatorWorld world)
    {
        var org = world.NinjaOne.FindOrganization(d.OrganizationId);
        return new DeviceDetailed(d)
        {
            IpAddresses = d.IpAddress is null ? [] : [d.IpAddress],
            MacAddresses = d.MacAddress is null ? [] : [d.MacAddress],
            PublicIp = d.PublicIp,
            Notes = [],
            DeviceType = d.NodeClass.StartsWith("NMS_", StringComparison.Ordinal) ? "NMS" : "AGENT",
            Os = d.OsName is null ? null : new OsInfo(d.OsName, d.OsName.StartsWith("Windows", StringComparison.Ordinal) ? "Microsoft Corporation" : null, "64-bit"),
            System = new SystemInfo(d.Manufacturer, d.Model, d.SerialNumber),
            References = new Dictionary<string, object?>
            {
                ["organization"] = org is null ? null : new { id = org.Id, name = org.Name },
                ["location"] = new { id = d.LocationId, name = "Main Office" },
            },
        };
    }

    private static SimJson OAuthError(int status, string error) => new(new { error }, statusCode: status);

    private static SimJson Failure(int status, string message) =>
        new(new ErrorBody("FAILURE", message, Guid.NewGuid().ToString()), statusCode: status);

    private static SimJson NotFound(string message) => Failure(404, message);

    private sealed class Behavior : VendorBehavior
    {
        public override string Name => Vendor;

        public override ValueTask<AuthOutcome> AuthenticateAsync(HttpContext http)
        {
            var token = SimulatorTokens.Bearer(http.Request);
            var (check, _) = Service<SimulatorTokens>(http).Check(Vendor, token);
            return ValueTask.FromResult(check == TokenCheck.Valid
                ? AuthOutcome.Allow(token)
                : AuthOutcome.Deny(Unauthorized(check == TokenCheck.Expired ? "Access token expired" : "Invalid access token")));
        }

        public override IResult ExpiredToken(HttpContext http, object? principal)
        {
            Service<SimulatorTokens>(http).Revoke(principal as string);
            return Unauthorized("Access token expired");
        }

        public override IResult TooManyRequests(HttpContext http, int retryAfterSeconds) =>
            Failure(429, "Too many requests").WithHeader("Retry-After", retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

        public override IResult ServerError(HttpContext http) => Failure(500, "Internal server error");

        private static SimJson Unauthorized(string message) =>
            Failure(401, message).WithHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("token_type")] string TokenType,
        [property: JsonPropertyName("expires_in")] int ExpiresIn,
        [property: JsonPropertyName("scope")] string Scope);

    private sealed record ErrorBody(
        [property: JsonPropertyName("resultCode")] string ResultCode,
        [property: JsonPropertyName("errorMessage")] string ErrorMessage,
        [property: JsonPropertyName("incidentId")] string IncidentId);

    private sealed record Location(
        [property: JsonPropertyName("id")] int Id,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("address")] string Address,
        [property: JsonPropertyName("description")] string Description);

    private sealed record PolicyMapping(
        [property: JsonPropertyName("nodeRoleId")] int NodeRoleId,
        [property: JsonPropertyName("policyId")] int PolicyId);

    private sealed record OrganizationDetailed
    {
        [JsonPropertyName("id")] public required int Id { get; init; }
        [JsonPropertyName("name")] public required string Name { get; init; }
        [JsonPropertyName("description")] public required string Description { get; init; }
        [JsonPropertyName("nodeApprovalMode")] public required string NodeApprovalMode { get; init; }
        [JsonPropertyName("userData")] public required IReadOnlyDictionary<string, string> UserData { get; init; }
        [JsonPropertyName("locations")] public required IReadOnlyList<Location> Locations { get; init; }
        [JsonPropertyName("policies")] public required IReadOnlyList<PolicyMapping> Policies { get; init; }
        [JsonPropertyName("settings")] public required IReadOnlyDictionary<string, object> Settings { get; init; }
    }

    private sealed record OsInfo(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("manufacturer")] string? Manufacturer,
        [property: JsonPropertyName("architecture")] string Architecture);

    private sealed record SystemInfo(
        [property: JsonPropertyName("manufacturer")] string? Manufacturer,
        [property: JsonPropertyName("model")] string? Model,
        [property: JsonPropertyName("serialNumber")] string? SerialNumber);

    /// <summary>A device plus the members only <c>devices-detailed</c> carries.</summary>
    private sealed record DeviceDetailed([property: JsonIgnore] NinjaDevice Device)
    {
        [JsonPropertyName("id")] public int Id => Device.Id;
        [JsonPropertyName("uid")] public Guid Uid => Device.Uid;
        [JsonPropertyName("organizationId")] public int OrganizationId => Device.OrganizationId;
        [JsonPropertyName("locationId")] public int LocationId => Device.LocationId;
        [JsonPropertyName("nodeClass")] public string NodeClass => Device.NodeClass;
        [JsonPropertyName("nodeRoleId")] public int NodeRoleId => Device.NodeRoleId;
        [JsonPropertyName("rolePolicyId")] public int RolePolicyId => Device.RolePolicyId;
        [JsonPropertyName("policyId")] public int PolicyId => Device.PolicyId;
        [JsonPropertyName("approvalStatus")] public string ApprovalStatus => Device.ApprovalStatus;
        [JsonPropertyName("offline")] public bool Offline => Device.Offline;
        [JsonPropertyName("displayName")] public string DisplayName => Device.DisplayName;
        [JsonPropertyName("systemName")] public string SystemName => Device.SystemName;
        [JsonPropertyName("dnsName")] public string? DnsName => Device.DnsName;
        [JsonPropertyName("netbiosName")] public string? NetbiosName => Device.NetbiosName;
        [JsonPropertyName("created")] public double Created => Device.Created;
        [JsonPropertyName("lastContact")] public double LastContact => Device.LastContact;
        [JsonPropertyName("lastUpdate")] public double LastUpdate => Device.LastUpdate;
        [JsonPropertyName("tags")] public IReadOnlyList<string> Tags => Device.Tags;
        [JsonPropertyName("ipAddresses")] public required IReadOnlyList<string> IpAddresses { get; init; }
        [JsonPropertyName("macAddresses")] public required IReadOnlyList<string> MacAddresses { get; init; }
        [JsonPropertyName("publicIP")] public string? PublicIp { get; init; }
        [JsonPropertyName("notes")] public required IReadOnlyList<string> Notes { get; init; }
        [JsonPropertyName("deviceType")] public required string DeviceType { get; init; }
        [JsonPropertyName("os")] public OsInfo? Os { get; init; }
        [JsonPropertyName("system")] public SystemInfo? System { get; init; }
        [JsonPropertyName("references")] public required IReadOnlyDictionary<string, object?> References { get; init; }
    }

    /// <summary>
    /// The device filter (<c>df</c>) examples NinjaOne documents, joined with AND: <c>org = 12</c>, <c>org in (1,2)</c>,
    /// <c>status eq APPROVED</c>, <c>class in (WINDOWS_WORKSTATION,MAC)</c>, <c>online</c>, <c>offline</c>. Anything
    /// else is refused with 400 rather than silently ignored.
    /// </summary>
    internal static partial class DeviceFilter
    {
        public static bool TryParse(string? text, out Func<NinjaDevice, bool>? filter, out string? problem)
        {
            filter = static _ => true;
            problem = null;
            if (string.IsNullOrWhiteSpace(text))
            {
                return true;
            }

            var parts = AndSplitter().Split(text.Trim());
            var predicates = new List<Func<NinjaDevice, bool>>(parts.Length);
            foreach (var part in parts)
            {
                var clause = part.Trim();
                if (clause.Equals("online", StringComparison.OrdinalIgnoreCase))
                {
                    predicates.Add(static d => !d.Offline);
                    continue;
                }

                if (clause.Equals("offline", StringComparison.OrdinalIgnoreCase))
                {
                    predicates.Add(static d => d.Offline);
                    continue;
                }

                var match = Clause().Match(clause);
                if (!match.Success)
                {
                    problem = $"Invalid device filter: '{clause}'";
                    filter = null;
                    return false;
                }

                var field = match.Groups["field"].Value.ToLowerInvariant();
                var op = match.Groups["op"].Value.ToLowerInvariant() switch { "=" or "eq" => "eq", "!=" or "neq" => "neq", _ => "in" };
                var raw = match.Groups["value"].Value.Trim();
                var values = op == "in"
                    ? raw.TrimStart('(').TrimEnd(')').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    : [raw];
                if (op == "in" && !(raw.StartsWith('(') && raw.EndsWith(')')))
                {
                    problem = $"Invalid device filter: '{clause}' (expected a parenthesised list)";
                    filter = null;
                    return false;
                }

                switch (field)
                {
                    case "org":
                        var ids = new HashSet<int>();
                        foreach (var v in values)
                        {
                            if (!int.TryParse(v, out var id))
                            {
                                problem = $"Invalid device filter: organization id '{v}'";
                                filter = null;
                                return false;
                            }

                            ids.Add(id);
                        }

                        predicates.Add(op == "neq" ? d => !ids.Contains(d.OrganizationId) : d => ids.Contains(d.OrganizationId));
                        break;
                    case "status":
                        var statuses = values.ToHashSet(StringComparer.OrdinalIgnoreCase);
                        predicates.Add(op == "neq" ? d => !statuses.Contains(d.ApprovalStatus) : d => statuses.Contains(d.ApprovalStatus));
                        break;
                    case "class":
                        var classes = values.ToHashSet(StringComparer.OrdinalIgnoreCase);
                        predicates.Add(op == "neq" ? d => !classes.Contains(d.NodeClass) : d => classes.Contains(d.NodeClass));
                        break;
                    default:
                        problem = $"Invalid device filter: unknown field '{field}'";
                        filter = null;
                        return false;
                }
            }

            filter = d => predicates.TrueForAll(p => p(d));
            return true;
        }

        [GeneratedRegex(@"\s+AND\s+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
        private static partial Regex AndSplitter();

        [GeneratedRegex(@"^(?<field>[A-Za-z]+)\s*(?<op>=|!=|eq|neq|in)\s*(?<value>.+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
        private static partial Regex Clause();
    }
}
