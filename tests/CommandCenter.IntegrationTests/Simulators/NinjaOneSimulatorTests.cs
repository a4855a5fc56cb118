using System.Net;
using System.Text.Json;
using CommandCenter.Simulators;
using CommandCenter.Simulators.World;

namespace CommandCenter.IntegrationTests.Simulators;

public sealed class NinjaOneSimulatorTests(DemoSimulatorFixture fixture) : IClassFixture<DemoSimulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SimulatorServer Server => fixture.Server;

    [Fact]
    public async Task Token_WrongSecret_Returns401InvalidClient()
    {
        using var http = Server.Client();
        using var response = await http.PostAsync("ninjaone/ws/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = SimulatorCredentials.NinjaOneClientId,
            ["client_secret"] = "wrong",
            ["scope"] = "monitoring",
        }), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldBe("""{"error":"invalid_client"}""");
    }

    [Fact]
    public async Task Token_RightCredentials_ReturnsBearerForTheScope()
    {
        using var http = Server.Client();
        using var response = await http.PostAsync("ninjaone/ws/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = SimulatorCredentials.NinjaOneClientId,
            ["client_secret"] = SimulatorCredentials.NinjaOneClientSecret,
            ["scope"] = "monitoring management",
        }), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        body.GetProperty("token_type").GetString().ShouldBe("Bearer");
        body.GetProperty("expires_in").GetInt32().ShouldBe(3600);
        body.GetProperty("scope").GetString().ShouldBe("monitoring management");
    }

    [Fact]
    public async Task Token_UnknownScopeAlongside_IsDropped_NotRefused()
    {
        using var http = Server.Client();
        using var response = await http.PostAsync("ninjaone/ws/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = SimulatorCredentials.NinjaOneClientId,
            ["client_secret"] = SimulatorCredentials.NinjaOneClientSecret,
            ["scope"] = "monitoring offline_access",
        }), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("scope").GetString().ShouldBe("monitoring");
    }

    [Fact]
    public async Task Devices_WithoutOrWithBadToken_Returns401()
    {
        using var http = Server.Client();
        (await SimulatorServer.SendAsync(http, "ninjaone/v2/devices")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await SimulatorServer.SendAsync(http, "ninjaone/v2/devices", bearer: "made-up")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Devices_KeysetPages_ReturnEveryDeviceOnce_WithEpochSecondTimestamps()
    {
        using var http = Server.Client();
        var token = await Server.NinjaOneTokenAsync(http);
        var seen = new List<int>();
        var after = 0;
        while (true)
        {
            var page = await SimulatorServer.GetJsonAsync(http, $"ninjaone/v2/devices?pageSize=100&after={after}", token);
            page.ValueKind.ShouldBe(JsonValueKind.Array);
            var ids = page.EnumerateArray().Select(d => d.GetProperty("id").GetInt32()).ToList();
            seen.AddRange(ids);
            if (ids.Count < 100)
            {
                break;
            }

            page[0].GetProperty("lastContact").ValueKind.ShouldBe(JsonValueKind.Number);
            after = ids[^1];
        }

        seen.ShouldBe(Server.World.NinjaOne.Devices.Select(d => d.Id));
    }

    [Fact]
    public async Task DevicesDetailed_Filter_ReturnsApprovedWorkstationsOfOneOrganization()
    {
        using var http = Server.Client();
        var token = await Server.NinjaOneTokenAsync(http);
        var org = Server.World.Companies[1].NinjaOneOrganizationId;
        var df = Uri.EscapeDataString($"org = {org} AND status eq APPROVED AND class in (WINDOWS_WORKSTATION,MAC,LINUX_WORKSTATION)");

        var page = await SimulatorServer.GetJsonAsync(http, $"ninjaone/v2/devices-detailed?df={df}&pageSize=1000", token);

        var expected = Server.World.NinjaOne.DevicesOf(org).Where(NinjaValues.IsBillableWorkstation).Select(d => d.Id);
        page.EnumerateArray().Select(d => d.GetProperty("id").GetInt32()).ShouldBe(expected);
        page[0].TryGetProperty("ipAddresses", out _).ShouldBeTrue();
        page[0].GetProperty("references").GetProperty("organization").GetProperty("id").GetInt32().ShouldBe(org);
    }

    [Fact]
    public async Task Devices_UnknownFilter_Returns400()
    {
        using var http = Server.Client();
        var token = await Server.NinjaOneTokenAsync(http);
        using var response = await SimulatorServer.SendAsync(http, "ninjaone/v2/devices?df=" + Uri.EscapeDataString("color eq blue"), token);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task OrganizationDevices_AndOrganizations_PageByAfter()
    {
        using var http = Server.Client();
        var token = await Server.NinjaOneTokenAsync(http);
        var orgIds = new List<int>();
        var after = 0;
        while (true)
        {
            var page = await SimulatorServer.GetJsonAsync(http, $"ninjaone/v2/organizations?pageSize=10&after={after}", token);
            var ids = page.EnumerateArray().Select(o => o.GetProperty("id").GetInt32()).ToList();
            orgIds.AddRange(ids);
            if (ids.Count == 0)
            {
                break;
            }

            after = ids[^1];
        }

        orgIds.ShouldBe(Server.World.NinjaOne.Organizations.Select(o => o.Id));
        var org = orgIds[3];
        var devices = await SimulatorServer.GetJsonAsync(http, $"ninjaone/v2/organization/{org}/devices", token);
        devices.GetArrayLength().ShouldBe(Server.World.NinjaOne.DevicesOf(org).Count);
    }
}
