using System.Globalization;
using System.Net;
using System.Web;
using CommandCenter.VendorSync;
using CommandCenter.VendorSync.Http;
using CommandCenter.VendorSync.SonicWall;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Tests.VendorSync;

public sealed class AdapterUnitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Device(int id, int org, string nodeClass = "WINDOWS_WORKSTATION", string status = "APPROVED") =>
        $$"""{ "id": {{id}}, "organizationId": {{org}}, "nodeClass": "{{nodeClass}}", "approvalStatus": "{{status}}", "offline": true, "systemName": "PC-{{id}}", "lastContact": 1743400000.5, "extra": { "x": 1 } }""";

    private static StubVendor Ninja(int devices, Func<int, HttpResponseMessage?>? devicePage = null, int[]? tokenFailures = null)
    {
        var tokenCalls = 0;
        var pages = 0;
        return new StubVendor((request, body) =>
        {
            var path = request.RequestUri!.AbsolutePath;
            var query = HttpUtility.ParseQueryString(request.RequestUri.Query);
            if (path == "/base/ws/oauth/token")
            {
                body.ShouldContain("scope=monitoring");
                body.ShouldNotContain("offline_access");
                return StubVendor.Json($$"""{ "access_token": "t{{Interlocked.Increment(ref tokenCalls)}}", "expires_in": 3600 }""");
            }

            if (request.Headers.Authorization?.Parameter is not { } token || (tokenFailures?.Contains(tokenCalls) == true && token == "t" + tokenCalls))
            {
                return StubVendor.Json("""{ "error": "invalid_token" }""", HttpStatusCode.Unauthorized);
            }

            var size = int.Parse(query["pageSize"]!, CultureInfo.InvariantCulture);
            var after = int.Parse(query["after"] ?? "0", CultureInfo.InvariantCulture);
            if (path == "/base/v2/organizations")
            {
                return StubVendor.Json(after == 0 ? """[ { "id": 1, "name": "Contoso" }, { "id": 2, "name": "Fabrikam" } ]""" : "[]");
            }

            path.ShouldBe("/base/v2/devices");
            if (devicePage?.Invoke(++pages) is { } scripted)
            {
                return scripted;
            }

            var ids = Enumerable.Range(1, devices).Where(i => i > after).Take(size);
            return StubVendor.Json("[" + string.Join(",", ids.Select(i => Device(i, i % 3 == 0 ? 7 : 1 + (i % 2),
                nodeClass: i == 2 ? "QUANTUM_TOASTER" : "WINDOWS_WORKSTATION", status: i == 4 ? "PENDING" : "APPROVED"))) + "]");
        });
    }

    [Fact]
    public async Task NinjaOne_PagesThroughDevices_GroupsByOrganization_AndAppliesTheCountingRules()
    {
        var stub = Ninja(devices: 10);
        await using var services = StubVendor.Services(stub);
        await using var scope = services.CreateAsyncScope();
        var adapter = scope.ServiceProvider.GetRequiredKeyedService<IVendorAdapter>(VendorKind.NinjaOne);

        var fetch = await adapter.FetchAsync(StubVendor.Connection(VendorKind.NinjaOne, "http://ninja.test/base", pageSize: 3), NullSyncProgress.Instance, Ct);

        fetch.Organizations.Select(o => o.ExternalId).ShouldBe(["1", "2", "7"]);
        fetch.Organizations.Single(o => o.ExternalId == "7").Name.ShouldContain("7");
        fetch.Metrics.Sum(m => m.Assets.Count).ShouldBe(10);
        var all = fetch.Metrics.SelectMany(m => m.Assets).ToList();
        all.Single(a => a.ExternalId == "2").Class.ShouldBe(AssetClasses.Other);
        all.Single(a => a.ExternalId == "4").Counted.ShouldBeFalse();
        all.Count(a => a.Counted).ShouldBe(9);
        all[0].Online.ShouldBe(false);
        all[0].LastSeenUtc.ShouldBe(new DateTime(2025, 3, 31, 5, 46, 40, 500, DateTimeKind.Utc));
        stub.Requests.Count(r => r.Contains("/v2/devices", StringComparison.Ordinal)).ShouldBe(4); // 3+3+3+1
        stub.Requests.ShouldContain("GET http://ninja.test/base/v2/devices?pageSize=3&after=9");
    }

    [Fact]
    public async Task NinjaOne_MalformedPage_IsAVendorSyncExceptionNamingThePage()
    {
        var stub = Ninja(devices: 10, devicePage: page => page == 2 ? StubVendor.Json("""[ { "id": 4, "organizationId": 1, """) : null);
        await using var services = StubVendor.Services(stub);
        await using var scope = services.CreateAsyncScope();
        var adapter = scope.ServiceProvider.GetRequiredKeyedService<IVendorAdapter>(VendorKind.NinjaOne);

        var error = await Should.ThrowAsync<VendorSyncException>(() =>
            adapter.FetchAsync(StubVendor.Connection(VendorKind.NinjaOne, "http://ninja.test/base", pageSize: 3), NullSyncProgress.Instance, Ct));

        error.Message.ShouldStartWith("NinjaOne returned malformed JSON on /v2/devices (page 2)");
    }

    [Fact]
    public async Task NinjaOne_RejectedToken_IsRefreshedOnceAndTheRequestRetried()
    {
        var stub = Ninja(devices: 2, tokenFailures: [1]);
        await using var services = StubVendor.Services(stub);
        await using var scope = services.CreateAsyncScope();
        var adapter = scope.ServiceProvider.GetRequiredKeyedService<IVendorAdapter>(VendorKind.NinjaOne);

        var fetch = await adapter.FetchAsync(StubVendor.Connection(VendorKind.NinjaOne, "http://ninja.test/base"), NullSyncProgress.Instance, Ct);

        fetch.Metrics.Sum(m => m.Assets.Count).ShouldBe(2);
        stub.Requests.Count(r => r.EndsWith("/ws/oauth/token", StringComparison.Ordinal)).ShouldBe(2);
    }

    [Fact]
    public async Task ServerErrors_AreRetried_AndTheFetchCompletes()
    {
        var stub = Ninja(devices: 5, devicePage: page => page <= 2 ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) : null);
        await using var services = StubVendor.Services(stub);
        await using var scope = services.CreateAsyncScope();
        var adapter = scope.ServiceProvider.GetRequiredKeyedService<IVendorAdapter>(VendorKind.NinjaOne);

        var fetch = await adapter.FetchAsync(StubVendor.Connection(VendorKind.NinjaOne, "http://ninja.test/base", maxRetries: 3), NullSyncProgress.Instance, Ct);

        fetch.Metrics.Sum(m => m.Assets.Count).ShouldBe(5);
    }

    [Fact]
    public async Task Pax8_HttpError_CarriesTheVendorsMessageAndStatus()
    {
        var stub = new StubVendor((request, body) => request.RequestUri!.AbsolutePath.EndsWith("/token", StringComparison.Ordinal)
            ? StubVendor.Json("""{ "access_token": "p", "expires_in": 86400 }""")
            : StubVendor.Json("""{ "type": "x", "message": "Partner is suspended", "status": 403 }""", HttpStatusCode.Forbidden));
        await using var services = StubVendor.Services(stub);
        await using var scope = services.CreateAsyncScope();
        var adapter = scope.ServiceProvider.GetRequiredKeyedService<IVendorAdapter>(VendorKind.Pax8);
        var connection = StubVendor.Connection(VendorKind.Pax8, "http://pax8.test/v1", tokenUrl: "http://pax8.test/v1/token");

        var error = await Should.ThrowAsync<VendorSyncException>(() => adapter.FetchAsync(connection, NullSyncProgress.Instance, Ct));
        var test = await adapter.TestAsync(connection, Ct);

        error.Message.ShouldBe("Pax8 answered 403 Forbidden on /companies (page 1): Partner is suspended");
        error.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        test.Ok.ShouldBeFalse();
        test.Message.ShouldContain("Partner is suspended");
    }

    [Fact]
    public async Task Pax8_CountsActiveAndPendingCancelUntilItsEndDate()
    {
        var stub = new StubVendor((request, body) =>
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.EndsWith("/token", StringComparison.Ordinal))
            {
                body.ShouldContain("\"audience\":\"https://api.pax8.com\"");
                return StubVendor.Json("""{ "access_token": "p", "expires_in": 86400 }""");
            }

            var page = HttpUtility.ParseQueryString(request.RequestUri.Query)["page"];
            return path switch
            {
                "/v1/companies" => StubVendor.Json("""{ "content": [ { "id": "c1", "name": "Contoso" } ], "page": { "size": 200, "totalElements": 1, "totalPages": 1, "number": 0 } }"""),
                "/v1/subscriptions" when page == "0" => StubVendor.Json("""
                    { "content": [
                      { "id": "s1", "companyId": "c1", "productId": "p1", "quantity": "25", "status": "Active", "price": 22.0, "partnerCost": 18.7, "currencyCode": "USD", "billingTerm": "Monthly", "commitmentTerm": { "term": "1-Year" }, "startDate": "2024-03-01T00:00:00Z" },
                      { "id": "s2", "companyId": "c1", "productId": "p1", "quantity": 5, "status": "PendingCancel", "endDate": "2999-01-01T00:00:00Z" } ],
                      "page": { "size": 2, "totalElements": 4, "totalPages": 2, "number": 0 } }
                    """),
                "/v1/subscriptions" => StubVendor.Json("""
                    { "content": [
                      { "id": "s3", "companyId": "c1", "productId": "p1", "quantity": 7, "status": "PendingCancel", "endDate": "2001-01-01T00:00:00Z" },
                      { "id": "s4", "companyId": "c9", "productId": "p1", "quantity": 1, "status": "Trial" } ],
                      "page": { "size": 2, "totalElements": 4, "totalPages": 2, "number": 1 } }
                    """),
                "/v1/products" => StubVendor.Json("""{ "content": [ { "id": "p1", "name": "M365 BP", "sku": "MST-BP" } ], "page": { "size": 200, "totalElements": 900, "totalPages": 5, "number": 0 } }"""),
                _ => new HttpResponseMessage(HttpStatusCode.NotFound),
            };
        });
        await using var services = StubVendor.Services(stub);
        await using var scope = services.CreateAsyncScope();
        var adapter = scope.ServiceProvider.GetRequiredKeyedService<IVendorAdapter>(VendorKind.Pax8);

        var fetch = await adapter.FetchAsync(StubVendor.Connection(VendorKind.Pax8, "http://pax8.test/v1", tokenUrl: "http://pax8.test/v1/token"), NullSyncProgress.Instance, Ct);

        var licences = fetch.Metrics.Single(m => m.OrganizationExternalId == "c1").Licences;
        licences.Where(l => l.Counted).Select(l => l.ExternalId).ShouldBe(["s1", "s2"]);
        licences.Single(l => l.ExternalId == "s1").ShouldSatisfyAllConditions(
            l => l.Quantity.ShouldBe(25m), l => l.Sku.ShouldBe("MST-BP"), l => l.ProductName.ShouldBe("M365 BP"),
            l => l.UnitCost.ShouldBe(18.7m), l => l.CommitmentTerm.ShouldBe("1-Year"), l => l.StartDate.ShouldBe(new DateOnly(2024, 3, 1)));
        fetch.Organizations.Select(o => o.ExternalId).ShouldBe(["c1", "c9"]);
        stub.Requests.Count(r => r.Contains("/products", StringComparison.Ordinal)).ShouldBe(1); // stops once p1 is known
    }

    [Fact]
    public async Task Graph_NextLinkToAnotherHost_IsRefused()
    {
        var stub = new StubVendor((request, body) => request.RequestUri!.AbsolutePath.EndsWith("/token", StringComparison.Ordinal)
            ? StubVendor.Json("""{ "access_token": "g", "expires_in": 3600 }""")
            : StubVendor.Json("""{ "value": [ { "id": "t1", "tenantId": "t1", "displayName": "Contoso" } ], "@odata.nextLink": "https://evil.test/v1.0/x" }"""));
        await using var services = StubVendor.Services(stub);
        await using var scope = services.CreateAsyncScope();
        var adapter = scope.ServiceProvider.GetRequiredKeyedService<IVendorAdapter>(VendorKind.Graph);

        var error = await Should.ThrowAsync<VendorSyncException>(() => adapter.FetchAsync(
            StubVendor.Connection(VendorKind.Graph, "http://graph.test", tokenUrl: "http://graph.test/login"), NullSyncProgress.Instance, Ct));

        error.Message.ShouldContain("evil.test");
        stub.Requests.ShouldNotContain(r => r.Contains("evil.test", StringComparison.Ordinal));
        stub.Requests.ShouldContain("POST http://graph.test/login/partner-tenant/oauth2/v2.0/token");
    }

    [Fact]
    public async Task Csv_ReadsFirewallsPerTenant_AndNamesABadRow()
    {
        var csv = "tenantId,tenantName,serialNumber,friendlyName,model\n1644147,Contoso,2CB8ED12AB34,Contoso-HQ,TZ370\n1644147,Contoso,2CB8ED12AB35,,TZ270\n\"77\",\"Fabrikam, Inc\",0017C5000001,Fab,NSa 2700\n";
        var fetch = await FirewallInventory.ToFetchAsync(new CsvFirewallInventorySource(csv), NullSyncProgress.Instance, Ct);

        fetch.Organizations.Select(o => o.Name).ShouldBe(["Contoso", "Fabrikam, Inc"]);
        fetch.Metrics.Single(m => m.OrganizationExternalId == "1644147").Assets.Select(a => a.Name).ShouldBe(["Contoso-HQ", "2CB8ED12AB35"]);
        fetch.Metrics.SelectMany(m => m.Assets).ShouldAllBe(a => a.Class == AssetClasses.Firewall && a.Counted);

        Should.Throw<VendorSyncException>(() => new CsvFirewallInventorySource("tenantId,tenantName,serialNumber\n1,A,\n"))
            .Message.ShouldBe("Firewall CSV line 2: serialNumber is empty.");
    }

    [Fact]
    public void Routing_JoinsBasePathAndDoesNotDoubleTheVersion()
    {
        VendorRoutingHandler.Combine(new Uri("http://127.0.0.1:5000/sim/ninjaone"), "/v2/devices?pageSize=1000")
            .ToString().ShouldBe("http://127.0.0.1:5000/sim/ninjaone/v2/devices?pageSize=1000");
        VendorRoutingHandler.Combine(new Uri("https://api.huntress.io/v1/"), "/v1/agents?limit=500")
            .ToString().ShouldBe("https://api.huntress.io/v1/agents?limit=500");
        VendorRoutingHandler.Combine(new Uri("https://api.pax8.com/v1"), "/companies?page=0")
            .ToString().ShouldBe("https://api.pax8.com/v1/companies?page=0");
    }

    [Fact]
    public async Task RateLimiter_KeepsAtMostTheLimitInAnyWindow()
    {
        using var limiter = new SlidingWindowLogRateLimiter(3, TimeSpan.FromMilliseconds(300), TimeProvider.System);
        var started = TimeProvider.System.GetTimestamp();
        var grants = new List<TimeSpan>();
        var releases = new List<TimeSpan>();
        for (var i = 0; i < 7; i++)
        {
            using (var lease = await limiter.AcquireAsync(1, Ct))
            {
                lease.IsAcquired.ShouldBeTrue();
                grants.Add(TimeProvider.System.GetElapsedTime(started));
                await Task.Delay(20, Ct); // the "call": the window counts from its end
            }

            releases.Add(TimeProvider.System.GetElapsedTime(started));
        }

        for (var i = 3; i < grants.Count; i++)
        {
            (grants[i] - releases[i - 3]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300));
        }
    }
}
