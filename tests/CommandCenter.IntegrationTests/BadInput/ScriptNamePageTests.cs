using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using Microsoft.Playwright;

namespace CommandCenter.IntegrationTests.BadInput;

/// <summary>A client named like a script (a valid name) is shown on its page as text: encoded, never run.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ScriptNamePageTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ClientPage_NameIsAScriptTag_ShowsItAsTextAndDoesNotRunIt()
    {
        const string name = "<script>window.__ccInjected = 1</script><img src=x onerror=\"window.__ccInjected = 2\"> Dental";
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var created = await http.PostAsJsonAsync("/api/v1/clients", new { name, notes = name }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await Browser.SignInAsync(page, DemoSeeder.AdminEmail, DemoSeeder.DemoPassword);
        await page.GotoAsync($"/clients/{id}");
        await Browser.WaitForInteractiveAsync(page);

        await Assertions.Expect(page.Locator("[data-testid=client-name-heading]")).ToHaveTextAsync(name);
        (await page.EvaluateAsync<JsonElement>("() => window.__ccInjected ?? null")).ValueKind.ShouldBe(JsonValueKind.Null);
        (await page.ContentAsync()).ShouldNotContain("<script>window.__ccInjected");
    }
}
