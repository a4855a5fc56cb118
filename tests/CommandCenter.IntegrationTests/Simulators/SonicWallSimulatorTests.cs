using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Simulators;

namespace CommandCenter.IntegrationTests.Simulators;

public sealed class SonicWallSimulatorTests(DemoSimulatorFixture fixture) : IClassFixture<DemoSimulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SimulatorServer Server => fixture.Server;

    [Fact]
    public async Task Tenants_BadKey_RedirectsToHtmlLoginPage()
    {
        using var http = Server.Client(followRedirects: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "sonicwall/msw/api/hgms/get-cloud-tenants");
        request.Headers.Add("X-API-KEY", "not-the-key");

        using var response = await http.SendAsync(request, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using var login = await http.GetAsync(response.Headers.Location, Ct);
        login.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
    }

    [Fact]
    public async Task Tenants_RightKey_ListsEveryTenantWithItsNsmSerial()
    {
        using var http = Server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "sonicwall/msw/api/hgms/get-cloud-tenants");
        request.Headers.Add("X-API-KEY", SimulatorCredentials.SonicWallMswApiKey);

        using var response = await http.SendAsync(request, Ct);

        var tenants = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("content").GetProperty("arrTenants");
        tenants.GetArrayLength().ShouldBe(Server.World.SonicWall.Tenants.Count);
        var first = Server.World.SonicWall.Tenants[0];
        tenants[0].GetProperty("productGroupID").GetString().ShouldBe(first.TenantId);
        tenants[0].GetProperty("cloudServices").EnumerateArray().Single(s => s.GetProperty("serviceName").GetString() == "NGMGMT")
            .GetProperty("tenantSerial").GetString().ShouldBe(first.TenantSerial);
    }

    [Fact]
    public async Task NsmChain_AccessCodeThenSso_ReadsThatTenantsFirewalls()
    {
        using var http = Server.Client();
        var tenant = Server.World.SonicWall.Tenants.First(t => Server.World.SonicWall.FirewallsOf(t.TenantId).Count > 0);

        var token = await Server.NsmTokenAsync(http, tenant.TenantId);
        var inventory = await SimulatorServer.GetJsonAsync(http, "sonicwall/nsm/api/manager/devices/tenant", token);

        inventory.GetProperty("tenantId").GetString().ShouldBe(tenant.TenantId);
        inventory.GetProperty("firewalls").EnumerateArray().Select(f => f.GetProperty("serialNumber").GetString())
            .ShouldBe(Server.World.SonicWall.FirewallsOf(tenant.TenantId).Select(f => f.SerialNumber));
    }

    [Fact]
    public async Task Sso_WrongOrReusedCode_Returns401()
    {
        using var http = Server.Client();
        var tenant = Server.World.SonicWall.Tenants[0];
        using var codeRequest = new HttpRequestMessage(HttpMethod.Post, "sonicwall/msw/api/generate-cscaccesscode")
        {
            Content = JsonContent.Create(new { tenantId = tenant.TenantId, tileName = "ISNSMSAFEENABLED" }),
        };
        codeRequest.Headers.Add("X-API-KEY", SimulatorCredentials.SonicWallMswApiKey);
        using var codeResponse = await http.SendAsync(codeRequest, Ct);
        var code = (await codeResponse.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("content").GetProperty("accessCode").GetString();

        using var wrong = await http.PostAsJsonAsync("sonicwall/nsm/api/manager/auth/sso", new { tenantSerial = tenant.TenantSerial, code = "nope" }, Ct);
        using var first = await http.PostAsJsonAsync("sonicwall/nsm/api/manager/auth/sso", new { tenantSerial = tenant.TenantSerial, code }, Ct);
        using var again = await http.PostAsJsonAsync("sonicwall/nsm/api/manager/auth/sso", new { tenantSerial = tenant.TenantSerial, code }, Ct);

        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        again.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetProperty("success").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task InventoryContract_WithMswKey_OrTheTenantsNsmToken()
    {
        using var http = Server.Client();
        var tenant = Server.World.SonicWall.Tenants[1];
        var other = Server.World.SonicWall.Tenants[2];
        using var byKey = new HttpRequestMessage(HttpMethod.Get, $"sonicwall/firewall-inventory/tenants/{tenant.TenantId}/firewalls");
        byKey.Headers.Add("X-API-KEY", SimulatorCredentials.SonicWallMswApiKey);

        using var keyResponse = await http.SendAsync(byKey, Ct);
        var token = await Server.NsmTokenAsync(http, tenant.TenantId);
        using var own = await SimulatorServer.SendAsync(http, $"sonicwall/firewall-inventory/tenants/{tenant.TenantId}/firewalls", token);
        using var foreign = await SimulatorServer.SendAsync(http, $"sonicwall/firewall-inventory/tenants/{other.TenantId}/firewalls", token);

        keyResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await keyResponse.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("firewalls").GetArrayLength()
            .ShouldBe(Server.World.SonicWall.FirewallsOf(tenant.TenantId).Count);
        own.StatusCode.ShouldBe(HttpStatusCode.OK);
        foreign.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
