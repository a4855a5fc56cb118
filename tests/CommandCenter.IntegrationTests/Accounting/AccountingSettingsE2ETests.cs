using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using Microsoft.Playwright;

namespace CommandCenter.IntegrationTests.Accounting;

/// <summary>The accounting settings page in a real browser: an IIF connection, its list file, a suggestion accepted.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccountingSettingsE2ETests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AccountingPage_SaveIifUploadListAcceptSuggestion_MapsTheClient()
    {
        await CommandCenter.IntegrationTests.Billing.DemoReady.AccountingAsync(app, Ct); // the start-up import must not land after this test's changes
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var clients = (await http.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=100", Ct)).GetProperty("items").EnumerateArray()
            .Where(c => c.GetProperty("status").GetString() is "Active" or "active").ToList();
        var client = clients.OrderBy(c => c.GetProperty("name").GetString(), StringComparer.OrdinalIgnoreCase).First();
        var clientId = client.GetProperty("id").GetGuid();
        var clientName = client.GetProperty("name").GetString()!;
        // Another kind of connection (the demo may seed one) asks before it is replaced.
        var existing = await http.GetAsync("/api/v1/accounting-connection", Ct);
        var replacesAnotherKind = existing.IsSuccessStatusCode
            && (await existing.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("kind").GetString() != "iif";

        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await Browser.SignInAsync(page, DemoSeeder.AdminEmail, DemoSeeder.DemoPassword);
        await page.Locator("[data-testid=nav-accounting]").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/settings/accounting"));
        await Browser.WaitForInteractiveAsync(page);

        await page.Locator(".mud-input-control:has([data-testid=accounting-kind])").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "IIF file" }).First.ClickAsync();
        await Assertions.Expect(Browser.Input(page, "accounting-iif-ar")).ToHaveValueAsync("Accounts Receivable");
        await page.Locator("[data-testid=accounting-save]").ClickAsync();
        if (replacesAnotherKind)
        {
            await Assertions.Expect(page.Locator("[data-testid=accounting-confirm-message]")).ToContainTextAsync("every mapping");
            await page.Locator("[data-testid=accounting-confirm]").ClickAsync();
        }

        await Assertions.Expect(page.Locator("[data-testid=accounting-status]")).ToHaveAttributeAsync("data-status", "connected");
        await page.Locator("[data-testid=accounting-iif-upload-ready]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        var list = "!CUST\tNAME\tREFNUM\r\n"
            + $"CUST\t{clientName}\t1\r\nCUST\tContoso Ltd\t2\r\n"
            + "!INVITEM\tNAME\tINVITEMTYPE\tACCNT\tPRICE\r\nINVITEM\tManaged Workstation\tSERV\tServices\t45.00\r\nINVITEM\tMisc charges\tOTHC\tServices\t\r\n";
        await page.Locator("[data-testid=accounting-import-card] input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "lists.iif",
            MimeType = "text/plain",
            Buffer = System.Text.Encoding.UTF8.GetBytes(list),
        });

        await Assertions.Expect(page.Locator("[data-testid=accounting-imported-customers]")).ToHaveAttributeAsync("data-count", "2");
        await Assertions.Expect(page.Locator("[data-testid=accounting-imported-items]")).ToHaveAttributeAsync("data-count", "2");
        await Assertions.Expect(page.Locator("[data-testid=accounting-import-result]")).ToContainTextAsync("Customers: 2 (2 new");
        var summary = page.Locator("[data-testid=mapping-summary][data-side=customers]");
        await Assertions.Expect(summary).ToHaveAttributeAsync("data-mapped", "0");
        var row = page.Locator($"[data-testid=mapping-row][data-client-id='{clientId}']");
        await Assertions.Expect(row.Locator("[data-testid=mapping-suggestion]")).ToHaveAttributeAsync("data-reason", "same name");
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("accounting-suggestions"), FullPage = true });

        await row.Locator("[data-testid=mapping-suggestion-accept]").ClickAsync();

        await Assertions.Expect(summary).ToHaveAttributeAsync("data-mapped", "1");
        await Assertions.Expect(summary).ToContainTextAsync($"1 of {clients.Count} clients mapped");
        await Assertions.Expect(row).ToHaveCountAsync(0); // "unmapped only" is on: the mapped client leaves the queue
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("accounting-mapped"), FullPage = true });
        var mappings = await http.GetFromJsonAsync<JsonElement>("/api/v1/accounting-connection/mappings", Ct);
        var mapped = mappings.GetProperty("customers").EnumerateArray().Where(c => c.GetProperty("customer").ValueKind == JsonValueKind.Object).ToList();
        mapped.Single().GetProperty("clientId").GetGuid().ShouldBe(clientId);
        mapped.Single().GetProperty("customer").GetProperty("externalId").GetString().ShouldBe(clientName);
    }
}
