using CommandCenter.Common;
using CommandCenter.VendorSync;

using CommandCenter.Web.Infrastructure;

namespace CommandCenter.Web.Api;

internal sealed record CredentialsDto(string? ClientId, string? ClientSecret, string? ApiKey, string? ApiSecret, string? TenantId)
{
    public VendorCredentials ToCredentials() => new(ClientId, ClientSecret, ApiKey, ApiSecret, TenantId);
}

/// <param name="Credentials">Required on create; omit on update to keep the stored ones. Never returned.</param>
internal sealed record ConnectionRequest(
    string? Kind,
    string? Name,
    string? BaseUrl,
    string? TokenUrl,
    string? InventoryPath,
    CredentialsDto? Credentials,
    int? ScheduleMinutes,
    bool? Enabled,
    int? RequestsPerMinute,
    int? PageSize,
    int? TimeoutSeconds,
    int? MaxRetries)
{
    public SaveConnection.Request ToRequest()
    {
        if (!VendorKinds.TryParse(Kind, out var kind))
        {
            throw ValidationFailedException.For("kind", "kind must be one of \"ninjaone\", \"pax8\", \"huntress\", \"sonicwall\", \"graph\".");
        }

        return new SaveConnection.Request(kind, Name ?? "", string.IsNullOrWhiteSpace(BaseUrl) ? SaveConnection.DefaultBaseUrl(kind) : BaseUrl,
            Credentials?.ToCredentials(), TokenUrl, InventoryPath,
            ScheduleMinutes ?? VendorConnection.DefaultScheduleMinutes, Enabled ?? true, RequestsPerMinute, PageSize,
            TimeoutSeconds ?? VendorConnection.DefaultTimeoutSeconds, MaxRetries ?? VendorConnection.DefaultMaxRetries);
    }
}

internal sealed record ConnectionResponse(
    Guid Id, string Kind, string Name, string BaseUrl, string? TokenUrl, string? InventoryPath, string? CredentialHint,
    int ScheduleMinutes, bool Enabled, int? RequestsPerMinute, int? PageSize, int TimeoutSeconds, int MaxRetries,
    HealthResponse Health, int Organizations, int MappedOrganizations, int UnmappedOrganizations)
{
    public static ConnectionResponse From(ConnectionRow c) => new(
        c.Id, VendorKinds.ToApi(c.Kind), c.Name, c.BaseUrl, c.TokenUrl, c.InventoryPath, c.CredentialHint, c.ScheduleMinutes, c.Enabled,
        c.RequestsPerMinute, c.PageSize, c.TimeoutSeconds, c.MaxRetries, HealthResponse.From(c.Health), c.Organizations, c.MappedOrganizations, c.UnmappedOrganizations);
}

internal sealed record ProgressResponse(DateTime StartedUtc, int Organizations, int Pages, int Items);

internal sealed record HealthResponse(
    SyncStatus Status, bool Healthy, DateTime? LastSyncStartedUtc, DateTime? LastSuccessUtc, DateTime? LastFailureUtc, string? LastError,
    long? LastDurationMs, int? ItemsFetched, int? OrganizationsFetched, DateTime? NextRunUtc, ProgressResponse? Running)
{
    public static HealthResponse From(ConnectionHealth h) => new(
        h.Status, h.Healthy, h.LastSyncStartedUtc, h.LastSuccessUtc, h.LastFailureUtc, h.LastError, h.LastDurationMs, h.ItemsFetched, h.OrganizationsFetched, h.NextRunUtc,
        h.Running is { } r ? new ProgressResponse(r.StartedUtc, r.Organizations, r.Pages, r.Items) : null);
}

internal sealed record SyncResponse(Guid? RunId, SyncStatus Status, string? Error, int? Organizations, int? Items, long? DurationMs);

internal sealed record OrganizationResponse(string ExternalId, string Name, Guid? ClientId, string? ClientName, bool Ignored, Guid? SuggestedClientId, string? SuggestedClientName, int? SuggestionScore, decimal? Count, DateTime LastSeenUtc);

internal sealed record MappingRequest(Guid? ClientId, bool? Ignored, string? Reason);

internal sealed record UsageMappingRequest(Guid? CatalogItemId);

internal sealed record UsageMappingResponse(string Metric, string Key, string Name, Guid? CatalogItemId, string? CatalogItemName, Guid? SuggestedCatalogItemId, int? SuggestionScore);

internal sealed record SnapshotResponse(
    Guid Id, Guid ConnectionId, string ConnectionName, string Kind, string OrganizationExternalId, string OrganizationName, string Metric, decimal Count,
    DateTime TakenUtc, bool Stale, IReadOnlyList<ClassCount> ByClass, IReadOnlyList<VendorAsset> Assets, IReadOnlyList<LicenceSubscription> Licences)
{
    public static SnapshotResponse From(CountGroup g) => new(
        g.SnapshotId, g.ConnectionId, g.ConnectionName, VendorKinds.ToApi(g.Kind), g.OrganizationExternalId, g.OrganizationName, g.Metric, g.Count, g.TakenUtc, g.Stale,
        g.ByClass, g.Assets, g.Licences);
}

internal sealed record ClientCountsResponse(IReadOnlyList<SnapshotResponse> Items, int Total, IReadOnlyList<LicenceComparison> Licences, IReadOnlyList<Finding> Findings);

internal static class VendorSyncApi
{
    public static RouteGroupBuilder MapVendorSyncApi(this RouteGroupBuilder api)
    {
        var connections = api.MapGroup("/vendor-connections").WithTags("Vendor connections").RequireAuthorization(Policies.ApiOwner);

        connections.MapGet("/", async (ListConnections.Handler handler, CancellationToken ct) =>
        {
            var rows = await handler.ListAsync(ct);
            return TypedResults.Ok(new ListResponse<ConnectionResponse>(rows.Select(ConnectionResponse.From).ToList(), rows.Count));
        }).WithName("ListVendorConnections");

        connections.MapGet("/{connectionId:guid}", async (Guid connectionId, ListConnections.Handler handler, CancellationToken ct) =>
            TypedResults.Ok(ConnectionResponse.From(await handler.GetAsync(connectionId, ct)))).WithName("GetVendorConnection");

        connections.MapPost("/", async (ConnectionRequest body, SaveConnection.Handler save, ListConnections.Handler get, CancellationToken ct) =>
        {
            var id = await save.CreateAsync(body.ToRequest(), ct);
            return TypedResults.Created($"/api/v1/vendor-connections/{id}", ConnectionResponse.From(await get.GetAsync(id, ct)));
        }).WithName("CreateVendorConnection");

        connections.MapPut("/{connectionId:guid}", async (Guid connectionId, ConnectionRequest body, SaveConnection.Handler save, ListConnections.Handler get, CancellationToken ct) =>
        {
            await save.UpdateAsync(connectionId, body.ToRequest(), ct);
            return TypedResults.Ok(ConnectionResponse.From(await get.GetAsync(connectionId, ct)));
        }).WithName("UpdateVendorConnection");

        connections.MapDelete("/{connectionId:guid}", async (Guid connectionId, string? reason, SaveConnection.Handler save, CancellationToken ct) =>
        {
            await save.DeleteAsync(connectionId, reason, ct);
            return TypedResults.NoContent();
        }).WithName("DeleteVendorConnection");

        connections.MapPost("/{connectionId:guid}/test", async (Guid connectionId, ConnectionActions.Handler actions, CancellationToken ct) =>
            TypedResults.Ok(await actions.TestAsync(connectionId, ct))).WithName("TestVendorConnection");

        // 202 and the sync runs in the background (as "Sync now"); ?wait=true runs it in the request and answers its outcome.
        connections.MapPost("/{connectionId:guid}/sync", async Task<IResult> (Guid connectionId, bool? wait, ConnectionActions.Handler actions, CancellationToken ct) =>
        {
            if (wait == true)
            {
                var outcome = await actions.RunNowAsync(connectionId, "api", ct);
                return TypedResults.Ok(new SyncResponse(outcome.RunId, outcome.Status, outcome.Error, outcome.Organizations, outcome.Items, (long)outcome.Duration.TotalMilliseconds));
            }

            await actions.TriggerAsync(connectionId, "api", ct);
            return TypedResults.Accepted($"/api/v1/vendor-connections/{connectionId}", new SyncResponse(null, SyncStatus.Running, null, null, null, null));
        }).WithName("SyncVendorConnection");

        connections.MapPost("/{connectionId:guid}/firewall-inventory", async (Guid connectionId, HttpRequest request, ConnectionActions.Handler actions, CancellationToken ct) =>
        {
            if (request.ContentLength > ConnectionActions.Handler.MaxFirewallCsvBytes)
            {
                throw ValidationFailedException.For("file", "The firewall CSV is larger than 1 MB.");
            }

            using var reader = new StreamReader(request.Body);
            var csv = await reader.ReadToEndAsync(ct);
            var outcome = await actions.ImportFirewallsAsync(connectionId, csv, ct);
            return TypedResults.Ok(new SyncResponse(outcome.RunId, outcome.Status, outcome.Error, outcome.Organizations, outcome.Items, (long)outcome.Duration.TotalMilliseconds));
        }).Accepts<string>("text/csv").WithName("ImportFirewallInventory");

        connections.MapGet("/{connectionId:guid}/runs", async (Guid connectionId, ListConnections.Handler handler, CancellationToken ct) =>
        {
            var runs = await handler.RunsAsync(connectionId, 50, ct);
            return TypedResults.Ok(new ListResponse<SyncRunRow>(runs, runs.Count));
        }).WithName("ListSyncRuns");

        connections.MapGet("/{connectionId:guid}/organizations", async (Guid connectionId, string? filter, string? search, int? page, int? pageSize, Mappings.Handler mappings, CancellationToken ct) =>
        {
            var result = await mappings.OrganizationsAsync(new Mappings.OrganizationQuery(connectionId, ParseFilter(filter), search, page ?? 1, pageSize ?? 100), ct);
            return TypedResults.Ok(new ListResponse<OrganizationResponse>(
                result.Items.Select(o => new OrganizationResponse(o.ExternalId, o.Name, o.ClientId, o.ClientName, o.Ignored, o.SuggestedClientId, o.SuggestedClientName, o.SuggestionScore, o.Count, o.LastSeenUtc)).ToList(),
                result.Total));
        }).WithName("ListVendorOrganizations");

        connections.MapPut("/{connectionId:guid}/organizations/{externalId}/mapping", async (Guid connectionId, string externalId, MappingRequest body, Mappings.Handler mappings, CancellationToken ct) =>
        {
            await mappings.MapOrganizationAsync(connectionId, externalId, body.ClientId, body.Ignored ?? false, body.Reason, ct);
            var result = await mappings.OrganizationsAsync(new Mappings.OrganizationQuery(connectionId, Search: externalId, PageSize: 1000), ct);
            var o = result.Items.First(x => x.ExternalId == externalId);
            return TypedResults.Ok(new OrganizationResponse(o.ExternalId, o.Name, o.ClientId, o.ClientName, o.Ignored, o.SuggestedClientId, o.SuggestedClientName, o.SuggestionScore, o.Count, o.LastSeenUtc));
        }).WithName("MapVendorOrganization");

        connections.MapGet("/{connectionId:guid}/snapshots", async (Guid connectionId, string? organization, int? page, int? pageSize, ListSnapshots.Handler handler, CancellationToken ct) =>
        {
            var result = await handler.HandleAsync(new ListSnapshots.Request(connectionId, organization, page ?? 1, pageSize ?? 100), ct);
            return TypedResults.Ok(new ListResponse<SnapshotResponse>(result.Items.Select(SnapshotResponse.From).ToList(), result.Total));
        }).WithName("ListSnapshots");

        connections.MapGet("/{connectionId:guid}/usage-mappings", async (Guid connectionId, Mappings.Handler mappings, CancellationToken ct) =>
        {
            var rows = await mappings.UsageAsync(connectionId, ct);
            return TypedResults.Ok(new ListResponse<UsageMappingResponse>(rows.Select(ToResponse).ToList(), rows.Count));
        }).WithName("ListUsageMappings");

        connections.MapPut("/{connectionId:guid}/usage-mappings/{metric}/{key}", async (Guid connectionId, string metric, string key, UsageMappingRequest body, Mappings.Handler mappings, CancellationToken ct) =>
        {
            await mappings.MapUsageAsync(connectionId, metric, key, body.CatalogItemId, ct);
            var row = (await mappings.UsageAsync(connectionId, ct)).First(m => m.Metric == metric && m.Key == key);
            return TypedResults.Ok(ToResponse(row));
        }).WithName("MapUsage");

        api.MapGet("/clients/{clientId:guid}/counts", async (Guid clientId, GetClientCounts.Handler handler, CancellationToken ct) =>
        {
            var counts = await handler.GetAsync(clientId, ct);
            return TypedResults.Ok(new ClientCountsResponse(counts.Groups.Select(SnapshotResponse.From).ToList(), counts.Groups.Count, counts.Licences, counts.Findings));
        }).WithTags("Clients").WithName("GetClientCounts").RequireAuthorization(Policies.ApiBilling);

        return api;
    }

    private static UsageMappingResponse ToResponse(UsageMappingRow m) => new(m.Metric, m.Key, m.Name, m.CatalogItemId, m.CatalogItemName, m.SuggestedCatalogItemId, m.SuggestionScore);

    private static Mappings.OrganizationFilter ParseFilter(string? filter) => filter?.Trim().ToLowerInvariant() switch
    {
        null or "" or "all" => Mappings.OrganizationFilter.All,
        "unmapped" => Mappings.OrganizationFilter.Unmapped,
        "mapped" => Mappings.OrganizationFilter.Mapped,
        "ignored" => Mappings.OrganizationFilter.Ignored,
        _ => throw ValidationFailedException.For("filter", "filter must be all, unmapped, mapped or ignored."),
    };
}
