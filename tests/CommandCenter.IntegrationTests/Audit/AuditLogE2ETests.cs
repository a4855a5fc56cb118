using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using Microsoft.Playwright;

namespace CommandCenter.IntegrationTests.Audit;

/// <summary>The audit log page in a real browser: a Billing user finds a change by text, reads its before → after and reason, follows the link, narrows by day and downloads the filtered CSV.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AuditLogE2ETests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AuditPage_FilterByTextAndDays_ShowsTheChangeWithItsReason_ExportDownloadsTheFilteredCsv()
    {
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var client = (await http.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=1", Ct)).GetProperty("items")[0];
        var clientId = client.GetProperty("id").GetGuid();
        var item = (await http.GetFromJsonAsync<JsonElement>("/api/v1/catalog-items?pageSize=100", Ct)).GetProperty("items")[0];
        var created = await http.PostAsJsonAsync($"/api/v1/clients/{clientId}/lines", new
        {
            itemId = item.GetProperty("id").GetGuid(),
            unitPrice = 42m,
            description = "Lab seats",
            quantitySource = new { kind = "manual", quantity = 7 },
            reason = "=Signed order 4471 for the lab",
        }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);

        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await Browser.SignInAsync(page, DemoSeeder.BillingEmail, DemoSeeder.DemoPassword);
        await page.Locator("[data-testid=nav-audit]").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/audit"));
        await Browser.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=audit-row]").First).ToBeVisibleAsync();

        await Browser.Input(page, "audit-filter-text").FillAsync("signed order 4471");
        var rows = page.Locator("[data-testid=audit-row]");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        var row = rows.First;
        await Assertions.Expect(row).ToHaveAttributeAsync("data-action", "line.created");
        await Assertions.Expect(row).ToContainTextAsync("Recurring line added");
        await Assertions.Expect(row).ToContainTextAsync("api-key:" + DemoSeeder.DemoApiKeyName);
        await Assertions.Expect(row.Locator("[data-testid=audit-reason]")).ToHaveTextAsync("=Signed order 4471 for the lab");
        await Assertions.Expect(row.Locator("[data-testid=audit-change][data-field=quantity] [data-testid=audit-after]")).ToHaveTextAsync("7");
        await Assertions.Expect(row.Locator("[data-testid=audit-change][data-field=description]")).ToContainTextAsync("Lab seats");
        await Assertions.Expect(row.Locator("[data-testid=audit-entity-link]")).ToHaveAttributeAsync("href", $"/clients/{clientId}");
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("audit-log"), FullPage = true });

        // Nothing is dated tomorrow; today has the entry again.
        await Browser.Input(page, "audit-filter-from").FillAsync(today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("[data-testid=audit-empty]")).ToBeVisibleAsync();
        await Browser.Input(page, "audit-filter-from").FillAsync(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await Browser.Input(page, "audit-filter-to").FillAsync(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("q=signed"));

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=audit-export]").ClickAsync());
        var path = await download.PathAsync();
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes.Take(3).ShouldBe(Encoding.UTF8.GetPreamble());
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("When (UTC),Actor,Action,Entity type,Entity id,Before,After,Reason");
        lines.Length.ShouldBe(2); // the filtered entry only
        lines[1].ShouldContain(",line.created,RecurringLine,");
        lines[1].ShouldEndWith(",'=Signed order 4471 for the lab"); // a formula in a spreadsheet, neutralised

        // The download is on the record, with the filters it used.
        var exported = await http.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=audit.exported", Ct);
        var entry = exported.GetProperty("items")[0];
        entry.GetProperty("actor").GetString().ShouldBe(DemoSeeder.BillingEmail);
        entry.GetProperty("after").GetProperty("text").GetString().ShouldBe("signed order 4471");
        entry.GetProperty("after").GetProperty("rows").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task AuditPage_Technician_HasNoLinkAndIsRefused()
    {
        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await Browser.SignInAsync(page, DemoSeeder.TechnicianEmail, DemoSeeder.DemoPassword);

        await Assertions.Expect(page.Locator("[data-testid=nav-psa]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=nav-audit]")).ToHaveCountAsync(0);
        await page.GotoAsync("/audit");
        await Assertions.Expect(page.Locator("[data-testid=access-denied]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=audit-row]")).ToHaveCountAsync(0);
        using var cookieless = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        using var export = await cookieless.GetAsync("/audit/export.csv", Ct);
        export.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        export.Headers.Location!.ToString().ShouldContain("/Account/Login");
    }

    [Fact]
    public async Task AuditApi_OtherTenantAndBadInput_SeesNothingOfTheDemoAndGets400()
    {
        using var demo = app.ApiClient(DemoSeeder.DemoApiKey);
        using var other = app.ApiClient(DemoSeeder.OtherApiKey);
        (await demo.PostAsJsonAsync("/api/v1/clients", new { name = "Audit isolation client" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var demoEntries = await demo.GetFromJsonAsync<JsonElement>("/api/v1/audit?pageSize=1000", Ct);
        var otherEntries = await other.GetFromJsonAsync<JsonElement>("/api/v1/audit?pageSize=1000", Ct);
        var demoIds = demoEntries.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToHashSet();
        demoIds.ShouldNotBeEmpty();
        otherEntries.GetProperty("items").EnumerateArray().ShouldAllBe(e => !demoIds.Contains(e.GetProperty("id").GetInt64()));

        var badDate = await demo.GetAsync("/api/v1/audit?from=2026-13-01", Ct);
        badDate.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badDate.Content.ReadAsStringAsync(Ct)).ShouldContain("YYYY-MM-DD");
        (await demo.GetAsync("/api/v1/audit?from=2026-11-02&to=2026-11-01", Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await demo.GetAsync("/api/v1/audit?text=" + new string('x', 201), Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await app.ApiClient(null).GetAsync("/api/v1/audit", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
