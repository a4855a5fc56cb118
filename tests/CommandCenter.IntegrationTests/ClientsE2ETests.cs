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
        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;

        await Browser.SignInAsync(page, DemoSeeder.AdminEmail, DemoSeeder.DemoPassword);

        await page.Locator("[data-testid=nav-clients]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=client-count]")).ToContainTextAsync("of 40 clients");
        await Assertions.Expect(page.Locator("[data-testid=client-row]")).ToHaveCountAsync(25);
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("clients"), FullPage = true });

        var first = page.Locator("[data-testid=client-row]").First;
        var name = (await first.Locator("[data-testid=client-link]").InnerTextAsync()).Trim();
        await Browser.Input(page, "client-search").FillAsync(name);
        await Assertions.Expect(page.Locator("[data-testid=client-row]")).ToHaveCountAsync(1);
        await page.Locator("[data-testid=client-link]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=client-name-heading]")).ToHaveTextAsync(name);
        var linesBefore = await page.Locator("[data-testid=client-line]").CountAsync();

        await page.Locator("[data-testid=add-line]").ClickAsync();
        await page.Locator("[data-testid=save-line]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=line-form]")).ToContainTextAsync("Choose a catalog item.");

        await page.Locator(".mud-select:has([data-testid=line-item]), .mud-select[data-testid=line-item], .mud-input-control:has(> [data-testid=line-item])").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Firewall Management" }).First.ClickAsync();
        // The choice goes to the server and back (the price field then hints the catalog price); typing before that lands races the re-render.
        await Assertions.Expect(Browser.Input(page, "line-price")).ToHaveAttributeAsync("placeholder", "50.00");
        await Browser.Input(page, "line-quantity").FillAsync("3");
        await Browser.Input(page, "line-price").FillAsync("55");
        await page.Locator("[data-testid=save-line]").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=client-line]")).ToHaveCountAsync(linesBefore + 1);
        await Assertions.Expect(page.Locator("[data-testid=client-line]", new() { HasText = "Firewall Management" }).Locator("[data-testid=line-amount]").First)
            .ToHaveTextAsync("$165.00");
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("client-with-new-line"), FullPage = true });
    }

}
