using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Simulators;

namespace CommandCenter.IntegrationTests.Simulators;

public sealed class Pax8SimulatorTests(DemoSimulatorFixture fixture) : IClassFixture<DemoSimulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SimulatorServer Server => fixture.Server;

    [Fact]
    public async Task Token_WrongSecret_Returns401AccessDenied()
    {
        using var http = Server.Client();
        using var response = await http.PostAsJsonAsync("pax8/v1/token", new Dictionary<string, string>
        {
            ["client_id"] = SimulatorCredentials.Pax8ClientId,
            ["client_secret"] = "wrong",
            ["audience"] = SimulatorCredentials.Pax8Audience,
            ["grant_type"] = "client_credentials",
        }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("error").GetString().ShouldBe("access_denied");
        body.GetProperty("error_description").GetString().ShouldBe("Unauthorized");
    }

    [Fact]
    public async Task Token_RightCredentials_Lasts24Hours()
    {
        using var http = Server.Client();
        using var response = await http.PostAsJsonAsync("pax8/v1/token", new Dictionary<string, string>
        {
            ["client_id"] = SimulatorCredentials.Pax8ClientId,
            ["client_secret"] = SimulatorCredentials.Pax8ClientSecret,
            ["audience"] = SimulatorCredentials.Pax8Audience,
            ["grant_type"] = "client_credentials",
        }, Ct);

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("expires_in").GetInt32().ShouldBe(86400);
        body.GetProperty("token_type").GetString().ShouldBe("Bearer");
    }

    [Fact]
    public async Task Companies_WithoutToken_Returns401InPax8ErrorShape()
    {
        using var http = Server.Client();
        using var response = await SimulatorServer.SendAsync(http, "pax8/v1/companies");
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("status").GetInt32().ShouldBe(401);
        body.GetProperty("instance").GetString().ShouldBe("/sim/pax8/v1/companies");
    }

    [Fact]
    public async Task Subscriptions_Pages_ReturnEverySubscriptionOnce()
    {
        using var http = Server.Client();
        var token = await Server.Pax8TokenAsync(http);
        var ids = new List<Guid>();
        for (var page = 0; ; page++)
        {
            var body = await SimulatorServer.GetJsonAsync(http, $"pax8/v1/subscriptions?page={page}&size=7", token);
            ids.AddRange(body.GetProperty("content").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
            var info = body.GetProperty("page");
            info.GetProperty("number").GetInt32().ShouldBe(page);
            info.GetProperty("totalElements").GetInt32().ShouldBe(Server.World.Pax8.Subscriptions.Count);
            if (page >= info.GetProperty("totalPages").GetInt32() - 1)
            {
                break;
            }
        }

        ids.ShouldBe(Server.World.Pax8.Subscriptions.Select(s => s.Id));
    }

    [Fact]
    public async Task Subscriptions_FilteredByCompanyAndStatus_DefaultPageSize10()
    {
        using var http = Server.Client();
        var token = await Server.Pax8TokenAsync(http);
        var company = Server.World.Companies[0].Pax8CompanyId;

        var body = await SimulatorServer.GetJsonAsync(http, $"pax8/v1/subscriptions?companyId={company}&status=Active", token);

        body.GetProperty("page").GetProperty("size").GetInt32().ShouldBe(10);
        body.GetProperty("content").EnumerateArray().Select(s => s.GetProperty("id").GetGuid())
            .ShouldBe(Server.World.Pax8.Subscriptions.Where(s => s.CompanyId == company && s.Status == "Active").Select(s => s.Id));
    }

    [Fact]
    public async Task Subscription_Detail_CarriesVendorSkuId_TheListDoesNot()
    {
        using var http = Server.Client();
        var token = await Server.Pax8TokenAsync(http);
        var sub = Server.World.Pax8.Subscriptions[0];

        var detail = await SimulatorServer.GetJsonAsync(http, $"pax8/v1/subscriptions/{sub.Id}", token);
        var list = await SimulatorServer.GetJsonAsync(http, "pax8/v1/subscriptions?size=1", token);

        detail.GetProperty("vendorSkuId").GetGuid().ShouldBe(sub.VendorSkuId);
        list.GetProperty("content")[0].TryGetProperty("vendorSkuId", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Subscriptions_SizeOver200_Returns400()
    {
        using var http = Server.Client();
        var token = await Server.Pax8TokenAsync(http);
        (await SimulatorServer.SendAsync(http, "pax8/v1/subscriptions?size=201", token)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
