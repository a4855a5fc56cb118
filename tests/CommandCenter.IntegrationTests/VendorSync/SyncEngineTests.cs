using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Simulators;
using CommandCenter.Simulators.World;
using CommandCenter.Persistence;
using CommandCenter.VendorSync;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.VendorSync;

/// <summary>
/// The demo app as a user runs it: Quartz syncs the five demo connections against the in-app simulators over real HTTP,
/// and the API shows health, mappings and counts. Faults are switched on in the simulators.
/// </summary>
public sealed class SyncEngineTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SimulatorWorld World => app.Services.GetRequiredService<SimulatorWorld>();

    [Fact]
    public async Task DemoStart_FiveConnectionsSyncHealthyAndEveryClientIsMapped()
    {
        await app.WaitForFirstSyncsAsync(Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);

        var connections = (await http.GetFromJsonAsync<JsonElement>("/api/v1/vendor-connections", Ct)).GetProperty("items").EnumerateArray().ToList();

        connections.Select(c => c.GetProperty("kind").GetString()).ShouldBe(["ninjaone", "pax8", "huntress", "sonicwall", "graph"], ignoreOrder: true);
        connections.ShouldAllBe(c => c.GetProperty("health").GetProperty("healthy").GetBoolean());
        // Each vendor holds the 40 clients plus two organisations that are not clients (left in the Unmapped queue).
        connections.ShouldAllBe(c => c.GetProperty("mappedOrganizations").GetInt32() == 40 && c.GetProperty("unmappedOrganizations").GetInt32() == 2);
    }

    [Fact]
    public async Task ClientCounts_MatchWhatEachVendorHolds()
    {
        await app.WaitForFirstSyncsAsync(Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var company = World.Companies.Where(c => c.ClientName != null).First(c => World.NinjaOne.DevicesOf(c.NinjaOneOrganizationId).Count(NinjaValues.IsBillableWorkstation) > 5);
        var clientId = await ClientIdAsync(http, company.ClientName!);

        var counts = await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/counts", Ct);

        var groups = counts.GetProperty("items").EnumerateArray().ToDictionary(g => g.GetProperty("kind").GetString()!);
        var devices = World.NinjaOne.DevicesOf(company.NinjaOneOrganizationId);
        var ninja = groups["ninjaone"];
        ninja.GetProperty("count").GetDecimal().ShouldBe(devices.Count(d => d.ApprovalStatus == NinjaValues.Approved));
        ClassCount(ninja, "Workstation").ShouldBe(devices.Count(NinjaValues.IsBillableWorkstation));
        ninja.GetProperty("assets").GetArrayLength().ShouldBe(devices.Count);
        groups["huntress"].GetProperty("count").GetDecimal().ShouldBe(World.Huntress.Agents.Count(a => a.OrganizationId == company.HuntressOrganizationId));
        groups["sonicwall"].GetProperty("count").GetDecimal().ShouldBe(World.SonicWall.FirewallsOf(company.SonicWallTenantId).Count);
        groups["pax8"].GetProperty("count").GetDecimal().ShouldBe(World.Pax8.Subscriptions.Where(s => s.CompanyId == company.Pax8CompanyId && s.Status == "Active").Sum(s => s.Quantity));
    }

    [Fact]
    public async Task ClientCounts_GraphConnected_ShowsPurchasedVersusAssignedAndValuesUnassignedSeats()
    {
        await app.WaitForFirstSyncsAsync(Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var company = World.Companies.Where(c => c.ClientName != null)
            .First(c => World.Graph.SkusOf(c.GraphTenantId).Any(s => s.SkuPartNumber != "FLOW_FREE" && s.PrepaidUnits.Enabled > s.ConsumedUnits));
        var sku = World.Graph.SkusOf(company.GraphTenantId).First(s => s.SkuPartNumber != "FLOW_FREE" && s.PrepaidUnits.Enabled > s.ConsumedUnits);
        var unassigned = sku.PrepaidUnits.Enabled - sku.ConsumedUnits;

        var counts = await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{await ClientIdAsync(http, company.ClientName!)}/counts", Ct);

        var licence = counts.GetProperty("licences").EnumerateArray().Single(l => l.GetProperty("assigned").ValueKind == JsonValueKind.Number && l.GetProperty("assigned").GetDecimal() == sku.ConsumedUnits);
        licence.GetProperty("unassigned").GetDecimal().ShouldBe(unassigned);
        licence.GetProperty("sources").EnumerateArray().Select(x => x.GetString()).ShouldContain("Microsoft 365 (Graph)");
        var finding = counts.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "unassigned-licences");
        finding.GetProperty("quantity").GetDecimal().ShouldBe(unassigned);
        // Valued at the price the client pays for that product (its line's price, else the catalog's).
        finding.GetProperty("monthlyValue").GetDecimal().ShouldBe(unassigned * licence.GetProperty("unitPrice").GetDecimal());
    }

    [Fact]
    public async Task Snapshots_OfAConnection_ArePagedWithEvidenceAndFilterByOrganization()
    {
        await app.WaitForFirstSyncsAsync(Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var huntressId = await ConnectionIdAsync(http, "huntress");
        var company = World.Companies.Where(c => c.ClientName != null).ElementAt(1);

        var page = await http.GetFromJsonAsync<JsonElement>($"/api/v1/vendor-connections/{huntressId}/snapshots?pageSize=10", Ct);
        var one = await http.GetFromJsonAsync<JsonElement>($"/api/v1/vendor-connections/{huntressId}/snapshots?organization={company.HuntressOrganizationId}", Ct);

        page.GetProperty("total").GetInt32().ShouldBe(42);
        page.GetProperty("items").GetArrayLength().ShouldBe(10);
        var snapshot = one.GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        snapshot.GetProperty("assets").EnumerateArray().Select(a => a.GetProperty("name").GetString())
            .ShouldBe(World.Huntress.Agents.Where(a => a.OrganizationId == company.HuntressOrganizationId).Select(a => a.Hostname), ignoreOrder: true);
    }

    [Fact]
    public async Task Sync_Repeated_KeepsTheRecentRunsSnapshotsOnly()
    {
        await app.WaitForFirstSyncsAsync(Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var pax8Id = await ConnectionIdAsync(http, "pax8");

        for (var i = 0; i < 5; i++)
        {
            (await SyncAsync(http, pax8Id)).GetProperty("status").GetString().ShouldBe("succeeded");
        }

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        // Reads one tenant's rows directly, to count what the pruning kept.
        var runs = await db.CountSnapshots.IgnoreQueryFilters([AppDbContext.TenantFilter]).Where(s => s.ConnectionId == pax8Id)
            .Select(s => s.SyncRunId).Distinct().CountAsync(Ct);
        runs.ShouldBe(SyncConnection.Handler.KeepRecentRuns);
    }

    [Fact]
    public async Task Sync_BurstsOf429And500_AreRetriedAndCountsAreRight()
    {
        await app.WaitForFirstSyncsAsync(Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var ninjaId = await ConnectionIdAsync(http, "ninjaone");
        var company = World.Companies.Where(c => c.ClientName != null).ElementAt(3);
        var added = World.AddDevice(company.NinjaOneOrganizationId, withHuntressAgent: false);
        World.Faults.Enqueue(new FaultSpec("ninjaone", FaultKind.TooManyRequests, Count: 2, PathContains: "/v2/devices", RetryAfterSeconds: 1));
        World.Faults.Enqueue(new FaultSpec("ninjaone", FaultKind.ServerError, Count: 2, PathContains: "/v2/devices"));

        var outcome = await SyncAsync(http, ninjaId);

        outcome.GetProperty("status").GetString().ShouldBe("succeeded");
        World.Faults.Pending.ShouldBeEmpty();
        var counts = await CountsAsync(http, await ClientIdAsync(http, company.ClientName!), "ninjaone");
        counts.GetProperty("assets").EnumerateArray().ShouldContain(a => a.GetProperty("name").GetString() == added.DisplayName);
        counts.GetProperty("count").GetDecimal().ShouldBe(World.NinjaOne.DevicesOf(company.NinjaOneOrganizationId).Count(d => d.ApprovalStatus == NinjaValues.Approved));
    }

    [Fact]
    public async Task Sync_MalformedJson_FailsVisiblyKeepsPreviousSnapshotAndOtherVendors()
    {
        await app.WaitForFirstSyncsAsync(Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var pax8Id = await ConnectionIdAsync(http, "pax8");
        var company = World.Companies.Where(c => c.ClientName != null).ElementAt(5);
        var clientId = await ClientIdAsync(http, company.ClientName!);
        var before = await CountsAsync(http, clientId, "pax8");
        World.Faults.Enqueue(new FaultSpec("pax8", FaultKind.Malformed, Count: 1, PathContains: "/subscriptions"));

        var outcome = await SyncAsync(http, pax8Id);

        outcome.GetProperty("status").GetString().ShouldBe("failed");
        outcome.GetProperty("error").GetString()!.ShouldContain("malformed JSON");
        var health = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/vendor-connections/{pax8Id}", Ct)).GetProperty("health");
        health.GetProperty("status").GetString().ShouldBe("failed");
        health.GetProperty("lastError").GetString()!.ShouldContain("malformed JSON");
        var after = await CountsAsync(http, clientId, "pax8");
        after.GetProperty("id").GetGuid().ShouldBe(before.GetProperty("id").GetGuid());
        after.GetProperty("count").GetDecimal().ShouldBe(before.GetProperty("count").GetDecimal());
        var others = (await http.GetFromJsonAsync<JsonElement>("/api/v1/vendor-connections", Ct)).GetProperty("items").EnumerateArray()
            .Where(c => c.GetProperty("kind").GetString() != "pax8");
        others.ShouldAllBe(c => c.GetProperty("health").GetProperty("status").GetString() == "succeeded");

        // The next clean sync heals the connection.
        (await SyncAsync(http, pax8Id)).GetProperty("status").GetString().ShouldBe("succeeded");
        (await http.GetFromJsonAsync<JsonElement>($"/api/v1/vendor-connections/{pax8Id}", Ct)).GetProperty("health").GetProperty("lastError").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Sync_VendorTimesOut_FailsWithTimeoutMessageAndKeepsSnapshot()
    {
        await app.WaitForFirstSyncsAsync(Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var huntress = (await http.GetFromJsonAsync<JsonElement>("/api/v1/vendor-connections", Ct)).GetProperty("items").EnumerateArray()
            .Single(c => c.GetProperty("kind").GetString() == "huntress");
        var id = huntress.GetProperty("id").GetGuid();
        var update = await http.PutAsJsonAsync($"/api/v1/vendor-connections/{id}", new
        {
            kind = "huntress", name = huntress.GetProperty("name").GetString(), baseUrl = huntress.GetProperty("baseUrl").GetString(),
            timeoutSeconds = 1, maxRetries = 1, scheduleMinutes = 15, enabled = true,
        }, Ct);
        update.StatusCode.ShouldBe(HttpStatusCode.OK);
        var clientId = await ClientIdAsync(http, World.Companies.Where(c => c.ClientName != null).ElementAt(7).ClientName!);
        var before = await CountsAsync(http, clientId, "huntress");
        World.Faults.Enqueue(new FaultSpec("huntress", FaultKind.Timeout, Count: 4, PathContains: "/v1/agents", DelaySeconds: 20));

        try
        {
            var outcome = await SyncAsync(http, id);

            outcome.GetProperty("status").GetString().ShouldBe("failed");
            outcome.GetProperty("error").GetString()!.ShouldContain("in time");
            (await CountsAsync(http, clientId, "huntress")).GetProperty("id").GetGuid().ShouldBe(before.GetProperty("id").GetGuid());
        }
        finally
        {
            // The other tests of this class share the app: leave the connection as the demo had it, synced.
            World.Faults.Clear();
            await http.PutAsJsonAsync($"/api/v1/vendor-connections/{id}", new
            {
                kind = "huntress", name = huntress.GetProperty("name").GetString(), baseUrl = huntress.GetProperty("baseUrl").GetString(), scheduleMinutes = 15, enabled = true,
            }, Ct);
            (await SyncAsync(http, id)).GetProperty("status").GetString().ShouldBe("succeeded");
        }
    }

    private async Task<JsonElement> SyncAsync(HttpClient http, Guid connectionId)
    {
        var response = await http.PostAsync($"/api/v1/vendor-connections/{connectionId}/sync?wait=true", null, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static int ClassCount(JsonElement group, string assetClass) =>
        group.GetProperty("byClass").EnumerateArray().Where(c => c.GetProperty("class").GetString() == assetClass).Sum(c => c.GetProperty("counted").GetInt32());

    private static async Task<Guid> ConnectionIdAsync(HttpClient http, string kind) =>
        (await http.GetFromJsonAsync<JsonElement>("/api/v1/vendor-connections", Ct)).GetProperty("items").EnumerateArray()
            .Single(c => c.GetProperty("kind").GetString() == kind).GetProperty("id").GetGuid();

    private static async Task<Guid> ClientIdAsync(HttpClient http, string name) =>
        (await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients?search={Uri.EscapeDataString(name)}", Ct)).GetProperty("items").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == name).GetProperty("id").GetGuid();

    private static async Task<JsonElement> CountsAsync(HttpClient http, Guid clientId, string kind) =>
        (await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/counts", Ct)).GetProperty("items").EnumerateArray()
            .Single(g => g.GetProperty("kind").GetString() == kind);
}
