using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using Microsoft.Playwright;

namespace CommandCenter.IntegrationTests.Billing;

/// <summary>The billing admin screens in a real browser: a vendor-bound line, charges and credits, Billing settings.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BillingAdminE2ETests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ClientPage_BindManualLineToNinjaOneWorkstations_ShowsTheVendorCountInTheLineList()
    {
        await DemoReady.SyncAllAsync(app, Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var (clientId, workstations) = await ClientWithWorkstationsAsync(http);
        var items = await http.GetFromJsonAsync<JsonElement>("/api/v1/catalog-items?pageSize=100", Ct);
        var item = items.GetProperty("items").EnumerateArray().First(i => i.GetProperty("name").GetString() == "Managed Workstation");
        var created = await http.PostAsJsonAsync($"/api/v1/clients/{clientId}/lines", new
        {
            itemId = item.GetProperty("id").GetGuid(),
            unitPrice = 30m,
            description = "Lab workstations",
            quantitySource = new { kind = "manual", quantity = 3 },
        }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var lineId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await Browser.SignInAsync(page, DemoSeeder.AdminEmail, DemoSeeder.DemoPassword, $"/clients/{clientId}");
        var row = page.Locator($"[data-testid=client-line][data-line-id='{lineId}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-source", "manual");
        await Assertions.Expect(row.Locator("[data-testid=line-quantity-cell]")).ToHaveTextAsync("3");
        await Assertions.Expect(row.Locator("[data-testid=line-amount]")).ToHaveTextAsync("$90.00");

        // The page has settled (its vendor counts are loaded; loading them re-renders the lines) before the form is used.
        await Assertions.Expect(page.Locator("[data-testid=count-group][data-kind=ninjaone]").First).ToBeVisibleAsync();
        await row.Locator("[data-testid=edit-line]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=line-form]")).ToContainTextAsync("Edit line");
        await page.Locator("[data-testid=line-source-vendor]").ClickAsync();
        await Assertions.Expect(Browser.Input(page, "line-quantity")).ToHaveCountAsync(0);
        await page.Locator(".mud-input-control:has([data-testid=line-connection])").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "NinjaOne RMM" }).First.ClickAsync();
        await Assertions.Expect(Browser.Input(page, "line-connection")).ToHaveValueAsync("NinjaOne · NinjaOne RMM");
        // The connection's first metric is picked (the choice goes to the server and back before the next click lands);
        // the list holds only what a NinjaOne connection can count: no licences.
        await Assertions.Expect(Browser.Input(page, "line-metric")).ToHaveValueAsync("Workstations");
        await page.Locator(".mud-input-control:has([data-testid=line-metric])").First.ClickAsync();
        var metrics = page.Locator(".mud-popover-open .mud-list-item");
        await Assertions.Expect(metrics).ToHaveTextAsync(["Workstations", "Servers", "Devices"]);
        await metrics.Filter(new() { HasText = "Workstations" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=line-implied-class]")).ToContainTextAsync("Workstation");
        await Assertions.Expect(page.Locator("[data-testid=line-classes]")).ToHaveCountAsync(0);
        await Browser.Input(page, "line-reason").FillAsync("Bill the lab from NinjaOne");
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("admin-line-vendor-form"), FullPage = true });
        await page.Locator("[data-testid=save-line]").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=line-form]")).ToHaveCountAsync(0);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-source", "vendor");
        await Assertions.Expect(row.Locator("[data-testid=line-source-label]")).ToHaveTextAsync("Workstations · NinjaOne RMM");
        await Assertions.Expect(row.Locator("[data-testid=line-vendor-count]")).ToHaveAttributeAsync("data-count", workstations.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(row.Locator("[data-testid=line-amount]")).ToHaveTextAsync((30m * workstations).ToString("C2", CultureInfo.GetCultureInfo("en-US")));
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("admin-line-vendor"), FullPage = true });

        var stored = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/lines", Ct))
            .GetProperty("items").EnumerateArray().Single(l => l.GetProperty("id").GetGuid() == lineId).GetProperty("quantitySource");
        stored.GetProperty("kind").GetString().ShouldBe("vendor");
        stored.GetProperty("metric").GetString().ShouldBe("workstations");
    }

    [Fact]
    public async Task ChargesPage_AddCredit_IsListedAsPendingCredit_ThenDeleted()
    {
        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await Browser.SignInAsync(page, DemoSeeder.AdminEmail, DemoSeeder.DemoPassword);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var client = (await http.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=1", Ct)).GetProperty("items")[0];
        var clientName = client.GetProperty("name").GetString()!;
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);

        await page.Locator("[data-testid=nav-charges]").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/billing/charges"));
        await page.Locator("[data-testid=charge-add]").ClickAsync();
        await Browser.Input(page, "charge-client").FillAsync(clientName[..Math.Min(clientName.Length, 10)]);
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = clientName }).First.ClickAsync();
        await Assertions.Expect(Browser.Input(page, "charge-date")).ToHaveValueAsync(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await Browser.Input(page, "charge-price").FillAsync("120");
        await page.Locator("[data-testid=charge-credit]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=charge-amount]")).ToHaveAttributeAsync("data-amount", "-120.00");

        // No description: the handler's message shows at the field and nothing is stored.
        await page.Locator("[data-testid=charge-save]").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-input-control:has([data-testid=charge-description])")).ToContainTextAsync("Description is required.");
        await Browser.Input(page, "charge-description").FillAsync("Goodwill credit: email outage");
        await Browser.Input(page, "charge-reason").FillAsync("Agreed with the client");
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("admin-charge-dialog"), FullPage = true });
        await page.Locator("[data-testid=charge-save]").ClickAsync();

        var row = page.Locator("[data-testid=charge-row]", new() { HasText = "Goodwill credit: email outage" });
        await Assertions.Expect(row).ToHaveAttributeAsync("data-amount", "-120.00");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "pending");
        await Assertions.Expect(row).ToContainTextAsync(clientName);
        await Assertions.Expect(row).ToContainTextAsync("credit");
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("admin-charges"), FullPage = true });

        await row.Locator("[data-testid=charge-delete]").ClickAsync();
        await page.Locator("[data-testid=reason-confirm]").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        var stored = await http.GetFromJsonAsync<JsonElement>($"/api/v1/charges?clientId={client.GetProperty("id").GetGuid()}", Ct);
        stored.GetProperty("items").EnumerateArray().ShouldNotContain(c => c.GetProperty("description").GetString() == "Goodwill credit: email outage");
    }

    [Fact]
    public async Task BillingSettings_InvoiceNumberTooLong_ShowsTheErrorAtThePrefix_BillingRoleOnlyReads()
    {
        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await Browser.SignInAsync(page, DemoSeeder.AdminEmail, DemoSeeder.DemoPassword);

        await page.Locator("[data-testid=nav-billing-settings]").ClickAsync();
        await Browser.Input(page, "settings-invoice-prefix").FillAsync("INVOICE-");
        await Browser.Input(page, "settings-next-number").FillAsync("12345");
        var preview = page.Locator("[data-testid=settings-number-preview]");
        await Assertions.Expect(preview).ToHaveAttributeAsync("data-number", "INVOICE-12345");
        await Assertions.Expect(preview).ToHaveAttributeAsync("data-too-long", "true");
        await Assertions.Expect(preview).ToContainTextAsync("13 of 11 characters");
        await page.Locator("[data-testid=settings-save]").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-input-control:has([data-testid=settings-invoice-prefix])")).ToContainTextAsync("fit QuickBooks Desktop's 11 characters");
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("admin-settings-error"), FullPage = true });
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        (await http.GetFromJsonAsync<JsonElement>("/api/v1/billing-settings", Ct)).GetProperty("invoicePrefix").GetString().ShouldNotBe("INVOICE-");

        await Browser.Input(page, "settings-invoice-prefix").FillAsync("INV-");
        await Assertions.Expect(preview).ToHaveAttributeAsync("data-too-long", "false");
        await Browser.Input(page, "settings-payment-terms").FillAsync("45");
        await page.Locator("[data-testid=settings-save]").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-input-control:has([data-testid=settings-invoice-prefix]) .mud-input-error")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Billing settings saved");
        var saved = await http.GetFromJsonAsync<JsonElement>("/api/v1/billing-settings", Ct);
        saved.GetProperty("invoicePrefix").GetString().ShouldBe("INV-");
        saved.GetProperty("nextInvoiceNumber").GetInt32().ShouldBe(12345);
        saved.GetProperty("paymentTermsDays").GetInt32().ShouldBe(45);

        // The Billing role reads the settings but cannot save them.
        await using var billing = await Browser.OpenAsync(app.BaseAddress);
        await Browser.SignInAsync(billing.Page, DemoSeeder.BillingEmail, DemoSeeder.DemoPassword);
        await billing.Page.Locator("[data-testid=nav-billing-settings]").ClickAsync();
        await Assertions.Expect(billing.Page.Locator("[data-testid=settings-read-only]")).ToBeVisibleAsync();
        await Assertions.Expect(Browser.Input(billing.Page, "settings-invoice-prefix")).ToHaveValueAsync("INV-");
        await Assertions.Expect(billing.Page.Locator("[data-testid=settings-save]")).ToHaveCountAsync(0);
        await billing.Page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("admin-settings-billing-role"), FullPage = true });
    }

    /// <summary>The first demo client (by name) whose NinjaOne organisation has counted workstations, and how many.</summary>
    private static async Task<(Guid ClientId, int Workstations)> ClientWithWorkstationsAsync(HttpClient http)
    {
        var clients = await http.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=100", Ct);
        foreach (var client in clients.GetProperty("items").EnumerateArray())
        {
            var clientId = client.GetProperty("id").GetGuid();
            var counts = await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/counts", Ct);
            var workstations = counts.GetProperty("items").EnumerateArray()
                .Where(g => g.GetProperty("kind").GetString() == "ninjaone")
                .SelectMany(g => g.GetProperty("assets").EnumerateArray())
                .Count(a => a.GetProperty("counted").GetBoolean() && a.GetProperty("class").GetString() == "Workstation");
            if (workstations > 0)
            {
                return (clientId, workstations);
            }
        }

        throw new InvalidOperationException("No demo client has NinjaOne workstations.");
    }
}
