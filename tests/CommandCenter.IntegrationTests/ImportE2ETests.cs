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
        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await Browser.SignInAsync(page, DemoSeeder.AdminEmail, DemoSeeder.DemoPassword, "clients/import");
        await page.Locator("[data-testid=import-ready]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

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
