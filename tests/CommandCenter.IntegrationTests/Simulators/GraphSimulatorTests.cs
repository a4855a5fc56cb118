using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Simulators;

namespace CommandCenter.IntegrationTests.Simulators;

public sealed class GraphSimulatorTests(DemoSimulatorFixture fixture) : IClassFixture<DemoSimulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SimulatorServer Server => fixture.Server;

    [Fact]
    public async Task Token_WrongSecret_Returns401AadstsInvalidClient()
    {
        using var http = Server.Client();
        using var response = await SimulatorServer.GraphTokenResponseAsync(http, SimulatorCredentials.GraphPartnerTenantId, secret: "wrong");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("error").GetString().ShouldBe("invalid_client");
        body.GetProperty("error_description").GetString()!.ShouldStartWith("AADSTS7000215:");
        body.GetProperty("error_codes")[0].GetInt32().ShouldBe(7000215);
    }

    [Fact]
    public async Task Token_UnknownTenant_Returns400TenantNotFound()
    {
        using var http = Server.Client();
        using var response = await SimulatorServer.GraphTokenResponseAsync(http, Guid.NewGuid().ToString());

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error_description").GetString()!.ShouldStartWith("AADSTS90002:");
    }

    [Fact]
    public async Task DelegatedAdminCustomers_PartnerToken_ListsEveryCustomer()
    {
        using var http = Server.Client();
        var token = await SimulatorServer.GraphTokenAsync(http, SimulatorCredentials.GraphPartnerTenantId);

        var body = await SimulatorServer.GetJsonAsync(http, "graph/v1.0/tenantRelationships/delegatedAdminCustomers", token);

        body.TryGetProperty("@odata.nextLink", out _).ShouldBeFalse();
        body.GetProperty("value").EnumerateArray().Select(c => c.GetProperty("tenantId").GetString())
            .ShouldBe(Server.World.Graph.Customers.Select(c => c.TenantId));
    }

    [Fact]
    public async Task SubscribedSkus_CustomerToken_ReturnsThatTenantsSkus_NotTheCustomerList()
    {
        using var http = Server.Client();
        var company = Server.World.Companies[0];
        var token = await SimulatorServer.GraphTokenAsync(http, company.GraphTenantId.ToString());

        var skus = await SimulatorServer.GetJsonAsync(http, "graph/v1.0/subscribedSkus", token);
        using var customers = await SimulatorServer.SendAsync(http, "graph/v1.0/tenantRelationships/delegatedAdminCustomers", token);

        var expected = Server.World.Graph.SkusOf(company.GraphTenantId);
        skus.GetProperty("value").EnumerateArray().Select(s => (s.GetProperty("skuId").GetGuid(), s.GetProperty("prepaidUnits").GetProperty("enabled").GetInt32(), s.GetProperty("consumedUnits").GetInt32()))
            .ShouldBe(expected.Select(s => (s.SkuId, s.PrepaidUnits.Enabled, s.ConsumedUnits)));
        customers.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task SubscribedSkus_NoToken_Returns401InvalidAuthenticationToken()
    {
        using var http = Server.Client();
        using var response = await SimulatorServer.SendAsync(http, "graph/v1.0/subscribedSkus");
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetProperty("code").GetString().ShouldBe("InvalidAuthenticationToken");
    }

    [Fact]
    public async Task Paging_NextLinks_AreAbsolute_AndReturnEveryItemOnce()
    {
        await using var server = await SimulatorServer.StartAsync(o => o.GraphPageSize = 5);
        using var http = server.Client();
        var token = await SimulatorServer.GraphTokenAsync(http, SimulatorCredentials.GraphPartnerTenantId);
        var ids = new List<string>();
        string? url = "graph/v1.0/tenantRelationships/delegatedAdminCustomers";
        var pages = 0;
        while (url is not null)
        {
            var body = await SimulatorServer.GetJsonAsync(http, url, token);
            ids.AddRange(body.GetProperty("value").EnumerateArray().Select(c => c.GetProperty("id").GetString()!));
            url = body.TryGetProperty("@odata.nextLink", out var next) ? next.GetString() : null;
            url?.ShouldStartWith(server.BaseAddress + "graph/v1.0/tenantRelationships/delegatedAdminCustomers?");
            pages++;
        }

        pages.ShouldBe((server.World.Graph.Customers.Count + 4) / 5);
        ids.ShouldBe(server.World.Graph.Customers.Select(c => c.Id));
    }
}
