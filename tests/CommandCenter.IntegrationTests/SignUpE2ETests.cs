using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.IntegrationTests.Support;
using Microsoft.Playwright;

namespace CommandCenter.IntegrationTests;

[Collection(BrowserCollection.Name)]
public sealed class SignUpE2ETests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task NewMsp_SignsUpInvitesAndCreatesApiKey_KeySeesOnlyItsEmptyTenant()
    {
        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;

        await page.GotoAsync("/Account/Register");
        await page.Locator("[data-testid=signup-company]").FillAsync("Brand New MSP");
        await page.Locator("[data-testid=signup-name]").FillAsync("Nora Owner");
        await page.Locator("[data-testid=signup-email]").FillAsync("nora@brandnew.test");
        await page.Locator("[data-testid=signup-password]").FillAsync("Str0ng!Pass");
        await page.Locator("[data-testid=signup-confirm]").FillAsync("Str0ng!Pass");
        await page.Locator("[data-testid=signup-submit]").ClickAsync();
        await Browser.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=tenant-name]")).ToHaveTextAsync("Brand New MSP");

        await page.Locator("[data-testid=nav-clients]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=clients-empty]")).ToBeVisibleAsync();

        await page.Locator("[data-testid=nav-users]").ClickAsync();
        await Browser.Input(page, "invite-email").FillAsync("tech@brandnew.test");
        await page.Locator("[data-testid=send-invite]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=invite-link]")).ToContainTextAsync("Send this link");

        await page.Locator("[data-testid=nav-api-keys]").ClickAsync();
        await Browser.Input(page, "api-key-name").FillAsync("Rewst");
        await page.Locator("[data-testid=create-api-key]").ClickAsync();
        var keyInput = Browser.Input(page, "api-key-value");
        await Assertions.Expect(keyInput).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^cc_"));
        var key = await keyInput.InputValueAsync();
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("api-key-created"), FullPage = true });

        using var http = app.ApiClient(key);
        var clients = await http.GetFromJsonAsync<JsonElement>("/api/v1/clients", TestContext.Current.CancellationToken);
        clients.GetProperty("total").GetInt32().ShouldBe(0);
    }
}
