using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Simulators;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.IntegrationTests.Simulators;

public sealed class HuntressSimulatorTests(DemoSimulatorFixture fixture) : IClassFixture<DemoSimulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SimulatorServer Server => fixture.Server;

    [Fact]
    public async Task Account_WrongSecretOrNoAuth_Returns401()
    {
        using var http = Server.Client();
        (await SimulatorServer.SendAsync(http, "huntress/v1/account")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await SimulatorServer.SendAsync(http, "huntress/v1/account", auth: SimulatorServer.HuntressAuth(secret: "wrong"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Account_RightKey_ReturnsTheAccount()
    {
        using var http = Server.Client();
        var body = await SimulatorServer.GetJsonAsync(http, "huntress/v1/account", auth: SimulatorServer.HuntressAuth());
        body.GetProperty("account").GetProperty("id").GetInt32().ShouldBe(77);
    }

    [Fact]
    public async Task Agents_PageTokens_ReturnEveryAgentOnce_LastPageHasNoPaginationKeys()
    {
        using var http = Server.Client();
        var ids = new List<int>();
        string? url = "huntress/v1/agents?limit=100";
        JsonElement last = default;
        while (url is not null)
        {
            last = await SimulatorServer.GetJsonAsync(http, url, auth: SimulatorServer.HuntressAuth());
            ids.AddRange(last.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("id").GetInt32()));
            var pagination = last.GetProperty("pagination");
            url = pagination.TryGetProperty("next_page_url", out var next) ? next.GetString() : null;
            if (url is not null)
            {
                url.ShouldStartWith(Server.BaseAddress.ToString());
                pagination.GetProperty("next_page_token").GetString().ShouldNotBeNullOrEmpty();
            }
        }

        ids.ShouldBe(Server.World.Huntress.Agents.Select(a => a.Id).OrderDescending());
        last.GetProperty("pagination").EnumerateObject().ShouldBeEmpty();
    }

    [Fact]
    public async Task Agents_ByOrganizationAndPlatform_FollowingPageToken()
    {
        using var http = Server.Client();
        var company = Server.World.Companies.First(c => Server.World.Huntress.Agents.Count(a => a.OrganizationId == c.HuntressOrganizationId && a.Platform == "windows") > 5);
        var ids = new List<int>();
        string? token = null;
        do
        {
            var url = $"huntress/v1/agents?organization_id={company.HuntressOrganizationId}&platform=windows&limit=5&sort_direction=asc"
                + (token is null ? "" : "&page_token=" + token);
            var body = await SimulatorServer.GetJsonAsync(http, url, auth: SimulatorServer.HuntressAuth());
            ids.AddRange(body.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("id").GetInt32()));
            token = body.GetProperty("pagination").TryGetProperty("next_page_token", out var next) ? next.GetString() : null;
        }
        while (token is not null);

        ids.ShouldBe(Server.World.Huntress.Agents.Where(a => a.OrganizationId == company.HuntressOrganizationId && a.Platform == "windows").Select(a => a.Id));
    }

    [Fact]
    public async Task Organizations_CarryLiveAgentCounts()
    {
        using var http = Server.Client();
        var body = await SimulatorServer.GetJsonAsync(http, "huntress/v1/organizations?limit=500", auth: SimulatorServer.HuntressAuth());
        foreach (var org in body.GetProperty("organizations").EnumerateArray())
        {
            var id = org.GetProperty("id").GetInt32();
            org.GetProperty("agents_count").GetInt32().ShouldBe(Server.World.Huntress.Agents.Count(a => a.OrganizationId == id));
        }
    }

    [Fact]
    public async Task Limit_Over500_Returns400()
    {
        using var http = Server.Client();
        (await SimulatorServer.SendAsync(http, "huntress/v1/agents?limit=501", auth: SimulatorServer.HuntressAuth())).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task RateLimit_OverTheLimitInAMinute_Returns429WithRetryAfter_UntilTheWindowSlides()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 15, 12, 0, 0, TimeSpan.Zero));
        await using var server = await SimulatorServer.StartAsync(o => o.HuntressRequestsPerMinute = 3, time);
        using var http = server.Client();

        for (var i = 0; i < 3; i++)
        {
            (await SimulatorServer.SendAsync(http, "huntress/v1/account", auth: SimulatorServer.HuntressAuth())).StatusCode.ShouldBe(HttpStatusCode.OK);
            time.Advance(TimeSpan.FromSeconds(10));
        }

        using var limited = await SimulatorServer.SendAsync(http, "huntress/v1/account", auth: SimulatorServer.HuntressAuth());
        limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(30));
        (await limited.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetInt32().ShouldBe(429);

        time.Advance(TimeSpan.FromSeconds(30));
        (await SimulatorServer.SendAsync(http, "huntress/v1/account", auth: SimulatorServer.HuntressAuth())).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
