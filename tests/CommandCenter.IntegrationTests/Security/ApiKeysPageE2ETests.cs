using System.Net;
using System.Text.RegularExpressions;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using Microsoft.Playwright;

namespace CommandCenter.IntegrationTests.Security;

/// <summary>The API keys page: an Owner creates a key with a role, and the key has that role's rights.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiKeysPageE2ETests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task CreateKey_TechnicianRole_KeyWorksTicketsButIsRefusedClients()
    {
        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await Browser.SignInAsync(page, DemoSeeder.AdminEmail, DemoSeeder.DemoPassword);
        await page.Locator("[data-testid=nav-api-keys]").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/settings/api-keys"));
        await Browser.WaitForInteractiveAsync(page);

        await Browser.Input(page, "api-key-name").FillAsync("PSA time sync");
        await page.Locator(".mud-input-control:has([data-testid=api-key-role])").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Technician" }).First.ClickAsync();
        await page.Locator("[data-testid=create-api-key]").ClickAsync();
        var keyInput = Browser.Input(page, "api-key-value");
        await Assertions.Expect(keyInput).ToHaveValueAsync(new Regex("^cc_"));
        var key = await keyInput.InputValueAsync();
        var row = page.Locator("[data-testid=api-key-row]", new() { HasText = "PSA time sync" });
        await Assertions.Expect(row.Locator("[data-testid=api-key-row-role]")).ToHaveTextAsync("Technician");
        await Assertions.Expect(page.Locator("[data-testid=api-key-row]", new() { HasText = DemoSeeder.DemoApiKeyName }).Locator("[data-testid=api-key-row-role]")).ToHaveTextAsync("Owner");

        using var http = app.ApiClient(key);
        (await http.GetAsync("/api/v1/tickets?pageSize=1", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.GetAsync("/api/v1/clients", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await http.GetAsync("/api/v1/vendor-connections", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
