using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Simulators;

namespace CommandCenter.IntegrationTests.Simulators;

/// <summary>Faults switched on over HTTP (<c>/sim/_faults</c>) or in process (<c>world.Faults</c>) hit the next matching requests.</summary>
public sealed class FaultSimulatorTests(DemoSimulatorFixture fixture) : IClassFixture<DemoSimulatorFixture>, IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SimulatorServer Server => fixture.Server;

    public ValueTask InitializeAsync()
    {
        Server.World.Faults.Clear();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Server.World.Faults.Clear();
        return ValueTask.CompletedTask;
    }

    public static TheoryData<string> Vendors => new(SimulatorFaults.Vendors);

    [Theory]
    [MemberData(nameof(Vendors))]
    public async Task TooManyRequests_Returns429WithRetryAfter_ThenRecovers(string vendor)
    {
        using var http = Server.Client(followRedirects: false);
        var request = await DataRequestAsync(http, vendor);
        await EnqueueOverHttpAsync(http, new { vendor, kind = "429", count = 2, retryAfterSeconds = 7 });

        using var first = await request();
        using var second = await request();
        using var third = await request();

        first.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        first.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(7));
        second.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        third.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(Vendors))]
    public async Task ServerError_Returns500Once(string vendor)
    {
        using var http = Server.Client(followRedirects: false);
        var request = await DataRequestAsync(http, vendor);
        Server.World.Faults.Enqueue(vendor, FaultKind.ServerError);

        using var failed = await request();
        using var next = await request();

        failed.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        next.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(Vendors))]
    public async Task Malformed_Is200WithABodyThatIsNotJson(string vendor)
    {
        using var http = Server.Client(followRedirects: false);
        var request = await DataRequestAsync(http, vendor);
        Server.World.Faults.Enqueue(vendor, FaultKind.Malformed);

        using var response = await request();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Should.Throw<JsonException>(() => JsonDocument.Parse(text));
    }

    [Theory]
    [MemberData(nameof(Vendors))]
    public async Task Truncated_Is200WithTheRealBodyCutShort(string vendor)
    {
        using var http = Server.Client(followRedirects: false);
        var request = await DataRequestAsync(http, vendor);
        Server.World.Faults.Enqueue(vendor, FaultKind.Truncated);

        using var cut = await request();
        using var whole = await request();

        cut.StatusCode.ShouldBe(HttpStatusCode.OK);
        var cutText = await cut.Content.ReadAsStringAsync(Ct);
        var wholeText = await whole.Content.ReadAsStringAsync(Ct);
        cutText.Length.ShouldBeLessThan(wholeText.Length);
        // Xero stamps every answer with its own Id and time; the rest of the body is the same.
        Stable(wholeText).ShouldStartWith(Stable(cutText));
        Should.Throw<JsonException>(() => JsonDocument.Parse(cutText));
    }

    [Theory]
    [InlineData("ninjaone", "$")]
    [InlineData("pax8", "content")]
    [InlineData("huntress", "organizations")]
    [InlineData("sonicwall", "content.arrTenants")]
    [InlineData("graph", "value")]
    public async Task EmptyPage_Is200WithAnEmptyListInTheVendorsEnvelope(string vendor, string listPath)
    {
        using var http = Server.Client(followRedirects: false);
        var request = await DataRequestAsync(http, vendor);
        Server.World.Faults.Enqueue(vendor, FaultKind.EmptyPage);

        using var response = await request();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var list = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
        foreach (var part in listPath.Split('.').Where(p => p != "$"))
        {
            list = list.GetProperty(part);
        }

        list.ValueKind.ShouldBe(JsonValueKind.Array);
        list.GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("ninjaone")]
    [InlineData("pax8")]
    [InlineData("graph")]
    public async Task ExpiredToken_Returns401_AndTheTokenStaysInvalid_ANewOneWorks(string vendor)
    {
        using var http = Server.Client();
        var request = await DataRequestAsync(http, vendor);
        Server.World.Faults.Enqueue(vendor, FaultKind.ExpiredToken);

        using var expired = await request();
        using var stillExpired = await request();
        var fresh = await DataRequestAsync(http, vendor);
        using var ok = await fresh();

        expired.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        stillExpired.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ExpiredToken_Huntress_Is401_SonicWallKey_IsTheLoginRedirect()
    {
        using var http = Server.Client(followRedirects: false);
        var huntress = await DataRequestAsync(http, "huntress");
        var sonicWall = await DataRequestAsync(http, "sonicwall");
        Server.World.Faults.Enqueue("huntress", FaultKind.ExpiredToken);
        Server.World.Faults.Enqueue("sonicwall", FaultKind.ExpiredToken);

        using var h = await huntress();
        using var s = await sonicWall();

        h.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        s.StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Timeout_DelaysThenAnswersNormally()
    {
        using var http = Server.Client();
        var request = await DataRequestAsync(http, "pax8");
        Server.World.Faults.Enqueue(new FaultSpec("pax8", FaultKind.Timeout, DelaySeconds: 1));

        var watch = Stopwatch.StartNew();
        using var response = await request();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        watch.Elapsed.ShouldBeGreaterThan(TimeSpan.FromSeconds(0.9));
    }

    [Fact]
    public async Task Timeout_CallerGivesUp_NextRequestIsServed()
    {
        using var http = Server.Client();
        http.Timeout = TimeSpan.FromMilliseconds(300);
        var request = await DataRequestAsync(http, "ninjaone");
        Server.World.Faults.Enqueue(new FaultSpec("ninjaone", FaultKind.Timeout, DelaySeconds: 30));

        await Should.ThrowAsync<TaskCanceledException>(request);
        using var next = await request();

        next.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task PathContains_OnlyMatchingRequestsAreHit_TokenRequestsOnlyWhenNamed()
    {
        using var http = Server.Client();
        var token = await Server.NinjaOneTokenAsync(http);
        Server.World.Faults.Enqueue(new FaultSpec("ninjaone", FaultKind.ServerError, PathContains: "/v2/devices"));

        using var organizations = await SimulatorServer.SendAsync(http, "ninjaone/v2/organizations", token);
        await Server.NinjaOneTokenAsync(http);
        Server.World.Faults.Pending.Count.ShouldBe(1);
        using var devices = await SimulatorServer.SendAsync(http, "ninjaone/v2/devices?pageSize=1", token);

        organizations.StatusCode.ShouldBe(HttpStatusCode.OK);
        devices.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);

        Server.World.Faults.Enqueue(new FaultSpec("ninjaone", FaultKind.TooManyRequests, PathContains: "/ws/oauth/token"));
        using var tokenResponse = await http.PostAsync("ninjaone/ws/oauth/token", new FormUrlEncodedContent([]), Ct);
        tokenResponse.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task FaultsEndpoint_ListsAndClears_RejectsUnknownKinds()
    {
        using var http = Server.Client();
        await EnqueueOverHttpAsync(http, new { vendor = "huntress", kind = "500", count = 3, pathContains = "/v1/agents" });

        var pending = await http.GetFromJsonAsync<JsonElement>("_faults", Ct);
        using var bad = await http.PostAsJsonAsync("_faults", new { vendor = "huntress", kind = "teapot" }, Ct);
        using var badVendor = await http.PostAsJsonAsync("_faults", new { vendor = "acme", kind = "500" }, Ct);
        using var cleared = await http.DeleteAsync("_faults", Ct);

        pending.GetArrayLength().ShouldBe(1);
        pending[0].GetProperty("remaining").GetInt32().ShouldBe(3);
        pending[0].GetProperty("kind").GetString().ShouldBe("500");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        badVendor.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        cleared.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        Server.World.Faults.Pending.ShouldBeEmpty();
    }

    [Fact]
    public async Task DriftEndpoint_AddsOrRetiresADevice()
    {
        using var http = Server.Client();
        var before = Server.World.NinjaOne.Devices.Count;

        using var response = await http.PostAsync("_world/drift", null, Ct);

        var change = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var kind = change.GetProperty("kind").GetString();
        Server.World.NinjaOne.Devices.Count.ShouldBe(kind == "added" ? before + 1 : before - 1);
    }

    private static async Task EnqueueOverHttpAsync(HttpClient http, object fault)
    {
        using var response = await http.PostAsJsonAsync("_faults", fault, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    private static string Stable(string body) =>
        System.Text.RegularExpressions.Regex.Replace(body, "\"Id\":\"[^\"]*\"|/Date\\(\\d+(\\+0000)?\\)/", "");

    /// <summary>Signs in to the vendor (before any fault is queued) and returns a data request that can be repeated.</summary>
    private async Task<Func<Task<HttpResponseMessage>>> DataRequestAsync(HttpClient http, string vendor)
    {
        switch (vendor)
        {
            case "ninjaone":
                var ninja = await Server.NinjaOneTokenAsync(http);
                return () => SimulatorServer.SendAsync(http, "ninjaone/v2/organizations?pageSize=5", ninja);
            case "pax8":
                var pax8 = await Server.Pax8TokenAsync(http);
                return () => SimulatorServer.SendAsync(http, "pax8/v1/companies?size=5", pax8);
            case "huntress":
                return () => SimulatorServer.SendAsync(http, "huntress/v1/organizations?limit=5", auth: SimulatorServer.HuntressAuth());
            case "sonicwall":
                return () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, "sonicwall/msw/api/hgms/get-cloud-tenants");
                    request.Headers.Add("X-API-KEY", SimulatorCredentials.SonicWallMswApiKey);
                    return http.SendAsync(request, Ct);
                };
            case "conductor":
                return () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, "conductor/v1/quickbooks-desktop/customers?limit=5");
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AccountingSimulatorCredentials.ConductorSecretKey);
                    request.Headers.Add("Conductor-End-User-Id", AccountingSimulatorCredentials.ConductorEndUserId);
                    return http.SendAsync(request, Ct);
                };
            case "qbo":
                var qbo = await Accounting.CloudAccountingHarness.AuthorizeAsync(Server, CommandCenter.Accounting.AccountingKind.Qbo);
                return () => SimulatorServer.SendAsync(http, $"qbo/v3/company/{qbo.RealmId}/query?query=select%20*%20from%20Customer%20STARTPOSITION%201%20MAXRESULTS%205&minorversion=75", qbo.AccessToken!);
            case "xero":
                var xero = await Accounting.CloudAccountingHarness.AuthorizeAsync(Server, CommandCenter.Accounting.AccountingKind.Xero);
                return () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, "xero/api.xro/2.0/Contacts?page=1");
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", xero.AccessToken);
                    request.Headers.Add("xero-tenant-id", xero.XeroTenantId);
                    return http.SendAsync(request, Ct);
                };
            default:
                var graph = await SimulatorServer.GraphTokenAsync(http, SimulatorCredentials.GraphPartnerTenantId);
                return () => SimulatorServer.SendAsync(http, "graph/v1.0/tenantRelationships/delegatedAdminCustomers", graph);
        }
    }
}
