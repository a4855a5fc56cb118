using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Billing;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Simulators.World;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CommandCenter.IntegrationTests.Accounting;

/// <summary>
/// Issue 6's demo acceptance in Chromium: with the demo's flagged lines decided and every invoice approved, "Post all"
/// posts the 40 invoices to the Conductor (QuickBooks Desktop) simulator with live progress, and the month shows Locked.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PostAllE2ETests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PostAll_Demo_PostsThe40InvoicesToQuickBooksDesktopWithLiveProgressAndLocksTheMonth()
    {
        await DemoReady.HistoryAsync(app, Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        await DemoMonth.DecideAndApproveAllAsync(http, Ct);
        var run = await DemoMonth.WaitReadyAsync(http, Ct);
        var total = run.GetProperty("totals").GetProperty("total").GetDecimal();
        var world = app.Services.GetRequiredService<SimulatorWorld>();
        var before = world.Conductor.Transactions.Count;

        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await Browser.SignInAsync(page, DemoSeeder.AdminEmail, DemoSeeder.DemoPassword);
        await page.Locator("[data-testid=nav-billing]").ClickAsync();
        await Browser.WaitForInteractiveAsync(page);
        await page.Locator("[data-testid=post-all]").ClickAsync();

        var confirm = page.Locator("[data-testid=confirm-post]");
        await Assertions.Expect(confirm).ToBeVisibleAsync();
        await Assertions.Expect(confirm).ToContainTextAsync("40 invoices");
        await Assertions.Expect(confirm).ToContainTextAsync(total.ToString("C2", CultureInfo.GetCultureInfo("en-US")));
        await Assertions.Expect(confirm).ToContainTextAsync("QuickBooks Desktop");
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("post-all-confirm") });
        await page.Locator("[data-testid=confirm-post-submit]").ClickAsync();

        // Live: the rows appear and move to posted without a reload.
        await Assertions.Expect(page.Locator("[data-testid=posting-progress]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=posting-row]")).ToHaveCountAsync(40);
        await Assertions.Expect(page.Locator("[data-testid=posting-row][data-state=posted]")).ToHaveCountAsync(40, new() { Timeout = 120_000 });
        await Assertions.Expect(page.Locator("[data-testid=month-locked]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid=post-all]")).ToHaveCountAsync(0); // nothing left to post in a locked month
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("post-all-locked"), FullPage = true });

        // The books hold each invoice once, with the preview's totals, and each row knows its id there.
        var posted = world.Conductor.Transactions.Skip(before).ToList();
        posted.Count.ShouldBe(40);
        posted.Select(t => t.ExternalId).Distinct().Count().ShouldBe(40);
        var status = await DemoMonth.PostingAsync(http, Ct);
        status.GetProperty("locked").GetBoolean().ShouldBeTrue();
        status.GetProperty("postedTotal").GetDecimal().ShouldBe(total);
        status.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("externalId").GetString()).Order()
            .ShouldBe(posted.Select(t => t.Id).Order());
    }
}
