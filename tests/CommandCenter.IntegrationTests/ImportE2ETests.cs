using System.Text;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using Microsoft.Playwright;

namespace CommandCenter.IntegrationTests;

[Collection(BrowserCollection.Name)]
public sealed class ImportE2ETests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task ImportPage_SheetWithThreeBadRows_ShowsTheRowsAndBlocksCommit_FixedSheetCreatesForty()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync("/Account/Login?returnUrl=clients/import");
        await page.Locator("[data-testid=signin-email]").FillAsync(DemoSeeder.AdminEmail);
        await page.Locator("[data-testid=signin-password]").FillAsync(DemoSeeder.DemoPassword);
        await page.Locator("[data-testid=signin-submit]").ClickAsync();
        await Browser.WaitForInteractiveAsync(page);

        await page.Locator("[data-testid=import-file]").SetInputFilesAsync(new FilePayload
        {
            Name = "billing.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(ImportApiTests.Sheet(badRows: true)),
        });
        var errors = page.Locator("[data-testid=import-error]");
        await Assertions.Expect(errors).ToHaveCountAsync(3);
        (await errors.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.row)")).ShouldBe(["8", "15", "30"]);
        await Assertions.Expect(page.Locator("[data-testid=import-commit]")).ToBeDisabledAsync();
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("import-errors"), FullPage = true });

        await page.Locator("[data-testid=import-file]").SetInputFilesAsync(new FilePayload
        {
            Name = "billing-fixed.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(ImportApiTests.Sheet(badRows: false)),
        });
        await Assertions.Expect(errors).ToHaveCountAsync(0);
        await page.Locator("[data-testid=import-commit]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=client-count]")).ToContainTextAsync("of 80 clients");
    }
}
