using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;

namespace CommandCenter.IntegrationTests;

public sealed class ApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Healthz_DatabaseUp_Returns200()
    {
        using var http = app.ApiClient(null);
        (await http.GetAsync("/healthz", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ListClients_WithoutKey_Returns401ProblemDetails()
    {
        using var http = app.ApiClient(null);
        var response = await http.GetAsync("/api/v1/clients", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task ListClients_WithWrongKey_Returns401()
    {
        using var http = app.ApiClient("not-a-key");
        (await http.GetAsync("/api/v1/clients", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ListClients_DemoKey_ListsThe40DemoClients()
    {
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var body = await http.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=1000", Ct);
        body.GetProperty("total").GetInt32().ShouldBe(40);
        body.GetProperty("items").GetArrayLength().ShouldBe(40);
    }

    [Fact]
    public async Task ListClients_OtherTenantKey_SeesOnlyItsOwnThreeClients()
    {
        using var demo = app.ApiClient(DemoSeeder.DemoApiKey);
        using var other = app.ApiClient(DemoSeeder.OtherApiKey);
        var demoNames = Names(await demo.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=1000", Ct));
        var otherBody = await other.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=1000", Ct);

        otherBody.GetProperty("total").GetInt32().ShouldBe(3);
        Names(otherBody).Intersect(demoNames).ShouldBeEmpty();
    }

    [Fact]
    public async Task GetClient_AnotherTenantsId_Returns404()
    {
        using var demo = app.ApiClient(DemoSeeder.DemoApiKey);
        using var other = app.ApiClient(DemoSeeder.OtherApiKey);
        var demoClientId = (await demo.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=1", Ct)).GetProperty("items")[0].GetProperty("id").GetString();

        (await other.GetAsync($"/api/v1/clients/{demoClientId}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetAsync($"/api/v1/clients/{demoClientId}/lines", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.DeleteAsync($"/api/v1/clients/{demoClientId}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await demo.GetAsync($"/api/v1/clients/{demoClientId}", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"name\":\"Negative Rate Co\",\"hourlyRate\":-5}", "hourlyRate")]
    [InlineData("{\"name\":\"Bad json\"", null)]
    [InlineData("{\"name\": 42}", null)]
    public async Task CreateClient_BadBody_Returns400ProblemNot500(string body, string? field)
    {
        using var http = app.ApiClient(DemoSeeder.OtherApiKey);
        var response = await http.PostAsync("/api/v1/clients", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        if (field is not null)
        {
            (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
        }
    }

    [Fact]
    public async Task OpenApi_Document_IsServed()
    {
        using var http = app.ApiClient(null);
        var doc = await http.GetStringAsync("/openapi/v1.json", Ct);
        doc.ShouldContain("/api/v1/clients");
        doc.ShouldContain("X-Api-Key");
    }

    private static List<string> Names(JsonElement list) =>
        list.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();
}
