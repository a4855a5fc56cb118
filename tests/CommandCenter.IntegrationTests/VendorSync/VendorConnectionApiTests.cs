using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.VendorSync;

public sealed class VendorConnectionApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_ValidHuntressConnection_Returns201WithoutSecretsAndIsListed()
    {
        using var http = app.ApiClient(DemoSeeder.OtherApiKey);
        var response = await http.PostAsJsonAsync("/api/v1/vendor-connections", new
        {
            kind = "huntress",
            name = "Huntress (API test)",
            baseUrl = "https://api.huntress.io",
            credentials = new { apiKey = "hk_live_0123456789", apiSecret = "top-secret-api-secret" },
            scheduleMinutes = 30,
            enabled = false,
        }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var raw = await response.Content.ReadAsStringAsync(Ct);
        raw.ShouldNotContain("top-secret-api-secret");
        raw.ShouldNotContain("hk_live_0123456789");
        var body = JsonDocument.Parse(raw).RootElement;
        body.GetProperty("kind").GetString().ShouldBe("huntress");
        body.GetProperty("credentialHint").GetString().ShouldBe("API key hk_l…89");
        body.GetProperty("scheduleMinutes").GetInt32().ShouldBe(30);
        body.GetProperty("health").GetProperty("status").GetString().ShouldBe("never");

        var list = await http.GetStringAsync("/api/v1/vendor-connections", Ct);
        list.ShouldContain("Huntress (API test)");
        list.ShouldNotContain("top-secret-api-secret");
    }

    [Fact]
    public async Task Create_MissingCredentialsAndBadUrl_Returns400WithEachField()
    {
        using var http = app.ApiClient(DemoSeeder.OtherApiKey);
        var response = await http.PostAsJsonAsync("/api/v1/vendor-connections", new { kind = "pax8", name = "Pax8", baseUrl = "ftp://pax8", credentials = new { clientId = "x" } }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        errors.TryGetProperty("baseUrl", out _).ShouldBeTrue();
        errors.TryGetProperty("credentials.clientSecret", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Create_UnknownKind_Returns400()
    {
        using var http = app.ApiClient(DemoSeeder.OtherApiKey);
        var response = await http.PostAsJsonAsync("/api/v1/vendor-connections", new { kind = "datto", name = "Datto", credentials = new { apiKey = "k" } }, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Connections_OfAnotherTenant_Answer404()
    {
        using var demo = app.ApiClient(DemoSeeder.DemoApiKey);
        using var other = app.ApiClient(DemoSeeder.OtherApiKey);
        var demoConnection = (await demo.GetFromJsonAsync<JsonElement>("/api/v1/vendor-connections", Ct)).GetProperty("items")[0].GetProperty("id").GetGuid();

        (await other.GetAsync($"/api/v1/vendor-connections/{demoConnection}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.PostAsync($"/api/v1/vendor-connections/{demoConnection}/sync", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetAsync($"/api/v1/vendor-connections/{demoConnection}/organizations", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.PutAsJsonAsync($"/api/v1/vendor-connections/{demoConnection}", new { kind = "ninjaone", name = "hijack", baseUrl = "https://evil.test" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.DeleteAsync($"/api/v1/vendor-connections/{demoConnection}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetFromJsonAsync<JsonElement>("/api/v1/vendor-connections", Ct)).GetProperty("items").EnumerateArray()
            .ShouldNotContain(c => c.GetProperty("id").GetGuid() == demoConnection);
    }

    [Fact]
    public async Task Update_WithoutCredentials_KeepsTheStoredOnes_AuditAndStoreHoldNoSecret()
    {
        using var http = app.ApiClient(DemoSeeder.OtherApiKey);
        var created = await (await http.PostAsJsonAsync("/api/v1/vendor-connections", new
        {
            kind = "ninjaone", name = "Ninja (update test)", baseUrl = "https://eu.ninjarmm.com",
            credentials = new { clientId = "ninja-client-abcdef", clientSecret = "ninja-secret-xyz" }, enabled = false,
        }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = created.GetProperty("id").GetGuid();

        var updated = await http.PutAsJsonAsync($"/api/v1/vendor-connections/{id}", new { kind = "ninjaone", name = "Ninja EU", baseUrl = "https://eu.ninjarmm.com", scheduleMinutes = 60, enabled = false }, Ct);

        updated.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await updated.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("name").GetString().ShouldBe("Ninja EU");
        body.GetProperty("credentialHint").GetString().ShouldBe("client id ninj…ef");
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        // The audit log of every tenant is read here to prove no secret reached it.
        var audit = await db.AuditEntries.IgnoreQueryFilters([AppDbContext.TenantFilter]).Where(a => a.EntityId == id.ToString()).ToListAsync(Ct);
        audit.Select(a => a.Action).ShouldBe(["connection.created", "connection.updated"], ignoreOrder: true);
        audit.ShouldAllBe(a => !(a.Before + a.After).Contains("ninja-secret-xyz") && !(a.Before + a.After).Contains("ninja-client-abcdef"));
        var stored = await db.VendorConnections.IgnoreQueryFilters([AppDbContext.TenantFilter]).SingleAsync(c => c.Id == id, Ct);
        stored.ProtectedCredentials.ShouldNotContain("ninja-secret-xyz");
    }
}

public sealed class FirewallCsvApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ImportFirewallCsv_ValidFile_BecomesTheSnapshot_BadFileChangesNothing()
    {
        using var http = app.ApiClient(DemoSeeder.OtherApiKey);
        var created = await (await http.PostAsJsonAsync("/api/v1/vendor-connections", new
        {
            kind = "sonicwall", name = "Firewalls (manual)", baseUrl = "https://nsm-uswest.sonicwall.com",
            credentials = new { apiKey = "unused-msw-key-123" }, enabled = false,
        }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = created.GetProperty("id").GetGuid();
        const string csv = "tenantId,tenantName,serialNumber,friendlyName,model\n"
            + "t-1,Acme Dental,2CB8ED12AB34,Acme-HQ,TZ370\n"
            + "t-1,Acme Dental,2CB8ED12AB35,Acme-Branch,TZ270\n"
            + "t-2,\"Blue Harbor, LLC\",0040103C55AA,,NSa 2700\n";

        var ok = await http.PostAsync($"/api/v1/vendor-connections/{id}/firewall-inventory", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv"), Ct);

        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        var outcome = await ok.Content.ReadFromJsonAsync<JsonElement>(Ct);
        outcome.GetProperty("status").GetString().ShouldBe("succeeded");
        outcome.GetProperty("items").GetInt32().ShouldBe(3);
        var orgs = await http.GetFromJsonAsync<JsonElement>($"/api/v1/vendor-connections/{id}/organizations", Ct);
        orgs.GetProperty("items").EnumerateArray().Select(o => (o.GetProperty("name").GetString(), o.GetProperty("count").GetDecimal()))
            .ShouldBe([("Acme Dental", 2m), ("Blue Harbor, LLC", 1m)], ignoreOrder: true);

        var bad = await http.PostAsync($"/api/v1/vendor-connections/{id}/firewall-inventory",
            new StringContent("tenantId,tenantName,serialNumber\nt-1,Acme Dental,\n", System.Text.Encoding.UTF8, "text/csv"), Ct);

        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync(Ct)).ShouldContain("line 2");
        var runs = await http.GetFromJsonAsync<JsonElement>($"/api/v1/vendor-connections/{id}/runs", Ct);
        runs.GetProperty("total").GetInt32().ShouldBe(1);
        (await http.GetFromJsonAsync<JsonElement>($"/api/v1/vendor-connections/{id}/organizations", Ct)).GetProperty("total").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task ImportFirewallCsv_IntoANonSonicWallConnection_Returns400()
    {
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var pax8 = (await http.GetFromJsonAsync<JsonElement>("/api/v1/vendor-connections", Ct)).GetProperty("items").EnumerateArray()
            .Single(c => c.GetProperty("kind").GetString() == "pax8").GetProperty("id").GetGuid();

        var response = await http.PostAsync($"/api/v1/vendor-connections/{pax8}/firewall-inventory", new StringContent("tenantId,tenantName,serialNumber\n", System.Text.Encoding.UTF8, "text/csv"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
