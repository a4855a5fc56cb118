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

    private static ILocator TextArea(IPage page, string testId) => page.Locator($"textarea[data-testid={testId}], [data-testid={testId}] textarea").First;

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

        // A correction of the locked month: an Owner reopens it (with a reason) and credits one device back as a new
        // credit memo linked to the original; the original is neither edited nor posted again.
        await page.Locator("[data-testid=month-reopen]").ClickAsync();
        await TextArea(page, "reopen-reason").FillAsync("Bluebird Insurance retired a laptop on the 3rd");
        await page.Locator("[data-testid=reopen-confirm]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=month-reopened]")).ToBeVisibleAsync();
        var bluebird = page.Locator("[data-testid=posting-row]", new() { HasText = "Bluebird Insurance Agency" });
        await bluebird.Locator("[data-testid=correction-add]").ClickAsync();
        var dialog = page.Locator("[data-testid=correction-dialog]");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Browser.Input(page, "correction-line-description").FillAsync("Credit: laptop BLUEBIRD-WS-07 retired on the 3rd");
        await Browser.Input(page, "correction-line-quantity").FillAsync("1");
        await Browser.Input(page, "correction-line-price").FillAsync("45");
        await TextArea(page, "correction-reason").FillAsync("Device retired early in the month");
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("correction-dialog") });
        await page.Locator("[data-testid=correction-save]").ClickAsync();
        var correction = page.Locator("[data-testid=posting-row][data-correction=true]");
        await Assertions.Expect(correction).ToHaveAttributeAsync("data-state", "posted", new() { Timeout = 60_000 });
        await Assertions.Expect(correction).ToHaveAttributeAsync("data-kind", "credit-memo");
        await Assertions.Expect(page.Locator("[data-testid=month-corrections]")).ToHaveAttributeAsync("data-amount", "-45.00");
        await page.Locator("[data-testid=month-lock]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=month-locked]")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("correction-posted"), FullPage = true });

        var memo = world.Conductor.CreditMemos.ShouldHaveSingleItem();
        memo.Subtotal.ShouldBe(45.00m);
        memo.Memo!.ShouldContain(posted.Single(t => t.Customer.FullName == "Bluebird Insurance Agency").RefNumber!);
        world.Conductor.Transactions.Count.ShouldBe(before + 41); // 40 invoices + 1 credit memo, nothing re-posted
        (await DemoMonth.PostingAsync(http, Ct)).GetProperty("postedTotal").GetDecimal().ShouldBe(total - 45.00m);
    }
}
