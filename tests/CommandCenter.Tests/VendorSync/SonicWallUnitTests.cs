using System.Net;
using CommandCenter.VendorSync;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Tests.VendorSync;

public sealed class SonicWallUnitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ConnectionRuntime Connection() => StubVendor.Connection(VendorKind.SonicWall, "http://sw.test/nsm",
        tokenUrl: "http://sw.test/msw", credentials: new VendorCredentials(ApiKey: "good-key")) with { InventoryPath = null };

    [Fact]
    public async Task SignInChain_ThenInventoryPerTenant()
    {
        var stub = new StubVendor((request, body) =>
        {
            var path = request.RequestUri!.AbsolutePath;
            var key = request.Headers.TryGetValues("X-API-KEY", out var values) ? values.Single() : null;
            return path switch
            {
                "/msw/api/hgms/get-cloud-tenants" when key == "good-key" => StubVendor.Json("""
                    { "content": { "arrTenants": [
                      { "name": "Contoso", "productGroupID": 1644147, "cloudServices": [ { "serviceName": "NGMGMT", "tenantSerial": "SER-1" } ] },
                      { "name": "Fabrikam", "productGroupID": "77", "cloudServices": [ { "serviceName": "NGMGMT", "tenantSerial": "SER-2" } ] } ] } }
                    """),
                "/msw/api/generate-cscaccesscode" when key == "good-key" => StubVendor.Json(
                    body.Contains("1644147", StringComparison.Ordinal) ? """{ "content": { "accessCode": "code-1" } }""" : """{ "content": { "accessCode": "code-2" } }"""),
                "/nsm/api/manager/auth/sso" => StubVendor.Json(body.Contains("code-1", StringComparison.Ordinal)
                    ? """{ "status": { "success": true, "info": [ { "message": "nsm-1" } ] } }"""
                    : """{ "status": { "success": true, "info": { "message": "nsm-2" } } }"""),
                "/nsm/api/manager/devices/tenant" when request.Headers.Authorization?.Parameter == "nsm-1" => StubVendor.Json("""
                    { "tenantId": "1644147", "firewalls": [ { "serialNumber": "2CB8ED12AB34", "friendlyName": "Contoso-HQ", "model": "TZ370", "online": true, "lastSeen": "2025-03-31T07:50:00Z" } ] }
                    """),
                "/nsm/api/manager/devices/tenant" when request.Headers.Authorization?.Parameter == "nsm-2" => StubVendor.Json("""
                    [ { "serialNumber": "0017C5000001", "model": "NSa 2700" }, { "serialNumber": "0017C5000002", "online": false } ]
                    """),
                _ => new HttpResponseMessage(HttpStatusCode.NotFound),
            };
        });
        await using var services = StubVendor.Services(stub);
        await using var scope = services.CreateAsyncScope();
        var adapter = scope.ServiceProvider.GetRequiredKeyedService<IVendorAdapter>(VendorKind.SonicWall);

        var fetch = await adapter.FetchAsync(Connection(), NullSyncProgress.Instance, Ct);

        fetch.Organizations.Select(o => (o.ExternalId, o.Name)).ShouldBe([("1644147", "Contoso"), ("77", "Fabrikam")]);
        var contoso = fetch.Metrics.Single(m => m.OrganizationExternalId == "1644147").Assets.ShouldHaveSingleItem();
        contoso.ShouldSatisfyAllConditions(
            a => a.Name.ShouldBe("Contoso-HQ"), a => a.VendorClass.ShouldBe("TZ370"), a => a.Online.ShouldBe(true),
            a => a.Class.ShouldBe(AssetClasses.Firewall), a => a.Counted.ShouldBeTrue());
        fetch.Metrics.Single(m => m.OrganizationExternalId == "77").Assets.Select(a => a.Name).ShouldBe(["0017C5000001", "0017C5000002"]);
        (await adapter.TestAsync(Connection(), Ct)).Message.ShouldBe("Signed in; 2 tenants visible (2 with NSM)");
    }

    [Fact]
    public async Task RedirectToLoginPage_MeansInvalidApiKey()
    {
        var stub = new StubVendor((request, body) => new HttpResponseMessage(HttpStatusCode.Found)
        {
            Headers = { Location = new Uri("https://login.test/") },
            Content = new StringContent("<html>login</html>"),
        });
        await using var services = StubVendor.Services(stub);
        await using var scope = services.CreateAsyncScope();
        var adapter = scope.ServiceProvider.GetRequiredKeyedService<IVendorAdapter>(VendorKind.SonicWall);

        var result = await adapter.TestAsync(Connection(), Ct);

        result.Ok.ShouldBeFalse();
        result.Message.ShouldStartWith("SonicWall: invalid API key");
    }
}
