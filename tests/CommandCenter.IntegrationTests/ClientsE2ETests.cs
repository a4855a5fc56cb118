using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using Microsoft.Playwright;

namespace CommandCenter.IntegrationTests;

[Collection(BrowserCollection.Name)]
public sealed class ClientsE2ETests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task DemoOwner_SignsInOpensClientAndAddsLine_LineIsListed()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 900 } });
        page.SetDefaultTimeout(30_000);

        await page.GotoAsync("/");
        await page.Locator("[data-testid=signin-email]").FillAsync(DemoSeeder.AdminEmail);
        await page.Locator("[data-testid=signin-password]").FillAsync(DemoSeeder.DemoPassword);
        await page.Locator("[data-testid=signin-submit]").ClickAsync();
        await Browser.WaitForInteractiveAsync(page);

        await page.Locator("[data-testid=nav-clients]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=client-count]")).ToContainTextAsync("of 40 clients");
        await Assertions.Expect(page.Locator("[data-testid=client-row]")).ToHaveCountAsync(25);
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("clients"), FullPage = true });

        var first = page.Locator("[data-testid=client-row]").First;
        var name = (await first.Locator("[data-testid=client-link]").InnerTextAsync()).Trim();
        await Input(page, "client-search").FillAsync(name);
        await Assertions.Expect(page.Locator("[data-testid=client-row]")).ToHaveCountAsync(1);
        await page.Locator("[data-testid=client-link]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=client-name-heading]")).ToHaveTextAsync(name);
        var linesBefore = await page.Locator("[data-testid=client-line]").CountAsync();

        await page.Locator("[data-testid=add-line]").ClickAsync();
        await page.Locator("[data-testid=save-line]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=line-form]")).ToContainTextAsync("Choose a catalog item.");

        await page.Locator(".mud-select:has([data-testid=line-item]), .mud-select[data-testid=line-item], .mud-input-control:has(> [data-testid=line-item])").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Firewall Management" }).First.ClickAsync();
        await Input(page, "line-quantity").FillAsync("3");
        await Input(page, "line-price").FillAsync("55");
        await page.Locator("[data-testid=save-line]").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=client-line]")).ToHaveCountAsync(linesBefore + 1);
        await Assertions.Expect(page.Locator("[data-testid=client-line]", new() { HasText = "Firewall Management" }).Locator("[data-testid=line-amount]").First)
            .ToHaveTextAsync("$165.00");
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("client-with-new-line"), FullPage = true });
    }

    // MudBlazor puts unmatched attributes on the inner <input> of its fields.
    private static ILocator Input(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;
}
