using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Simulators;
using Microsoft.Playwright;

namespace CommandCenter.IntegrationTests.Accounting;

/// <summary>
/// Connecting QuickBooks Online as an owner does (issue 6): the OAuth app is saved, "Connect to QuickBooks Online" goes
/// to the identity server's consent page (the simulator's), "Authorize" comes back to the app's callback, which stores
/// the tokens and the company; the customers can then be imported with them.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OAuthConnectE2ETests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Connect_QuickBooksOnline_ConsentThenCallbackStoresTheTokensAndImportWorks()
    {
        await CommandCenter.IntegrationTests.Billing.DemoReady.AccountingAsync(app, Ct); // the start-up import must not land after this test's changes
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var sim = new Uri(app.BaseAddress, "/sim/qbo").ToString();
        var saved = await http.PutAsJsonAsync("/api/v1/accounting-connection", new
        {
            kind = "qbo",
            baseUrl = sim,
            tokenUrl = sim + "/oauth2/v1/tokens/bearer",
            authorizeUrl = sim + "/connect/oauth2",
            credentials = new { clientId = AccountingSimulatorCredentials.QboClientId, clientSecret = AccountingSimulatorCredentials.QboClientSecret },
            confirmKindChange = true,
        }, Ct);
        saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync(Ct));
        (await saved.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("authorized").GetBoolean().ShouldBeFalse();

        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await Browser.SignInAsync(page, DemoSeeder.AdminEmail, DemoSeeder.DemoPassword);
        await page.Locator("[data-testid=nav-accounting]").ClickAsync();
        await Browser.WaitForInteractiveAsync(page);
        await page.Locator("[data-testid=accounting-oauth-connect]").ClickAsync();

        // The identity server's consent page names the company; authorising returns to the app.
        await Assertions.Expect(page.Locator("[data-testid=consent-company]")).ToHaveTextAsync(AccountingSimulatorCredentials.QboCompanyName);
        await page.Locator("[data-testid=consent-authorize]").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/settings/accounting\\?connected=1"));
        await Assertions.Expect(page.Locator("[data-testid=accounting-oauth-connected]")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("accounting-qbo-connected") });

        var connection = await http.GetFromJsonAsync<JsonElement>("/api/v1/accounting-connection", Ct);
        connection.GetProperty("authorized").GetBoolean().ShouldBeTrue();
        connection.GetProperty("credentialHint").GetString()!.ShouldStartWith("realm ");
        connection.ToString().ShouldNotContain(AccountingSimulatorCredentials.QboClientSecret); // secrets never come back
        var imported = await http.PostAsync("/api/v1/accounting-connection/import", null, Ct);
        imported.StatusCode.ShouldBe(HttpStatusCode.OK, await imported.Content.ReadAsStringAsync(Ct));
        var customers = await http.GetFromJsonAsync<JsonElement>("/api/v1/accounting-connection/customers?pageSize=1000", Ct);
        customers.GetProperty("total").GetInt32().ShouldBeGreaterThanOrEqualTo(40);
    }
}
