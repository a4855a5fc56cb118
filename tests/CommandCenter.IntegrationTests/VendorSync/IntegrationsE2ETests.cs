using System.Globalization;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Simulators.World;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CommandCenter.IntegrationTests.VendorSync;

[Collection(BrowserCollection.Name)]
public sealed class IntegrationsE2ETests(AppFactory app) : IClassFixture<AppFactory>
{
    private SimulatorWorld World => app.Services.GetRequiredService<SimulatorWorld>();

    [Fact]
    public async Task Owner_SeesHealthyVendors_SyncsNow_AndFindsTheNewDeviceOnTheClientPage()
    {
        await app.WaitForFirstSyncsAsync(TestContext.Current.CancellationToken);
        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await Browser.SignInAsync(page, DemoSeeder.AdminEmail, DemoSeeder.DemoPassword);

        // Month end's checklist: every source synced, the vendors' non-client organisations unmapped, open tickets with time.
        await Assertions.Expect(page.Locator("[data-testid=home-sources]")).ToHaveAttributeAsync("data-failed", "0");
        await Assertions.Expect(page.Locator("[data-testid=home-sources]")).ToContainTextAsync("All 5 vendor sources synced");
        await Assertions.Expect(page.Locator("[data-testid=home-unmapped]")).ToHaveAttributeAsync("data-count", "10");
        await Assertions.Expect(page.Locator("[data-testid=home-open-time]")).Not.ToHaveAttributeAsync("data-count", "0");
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("home-checklist"), FullPage = true });

        await page.Locator("[data-testid=nav-integrations]").ClickAsync();
        var rows = page.Locator("[data-testid=connection-row]");
        await Assertions.Expect(rows).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("[data-testid=connection-health][data-status=healthy]")).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("[data-testid=unmapped-count]")).ToHaveAttributeAsync("data-count", "10");
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("integrations"), FullPage = true });

        var pax8 = page.Locator("[data-testid=connection-row][data-kind=pax8]");
        await pax8.Locator("[data-testid=test-connection]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=test-result]")).ToHaveAttributeAsync("data-ok", "true");
        await Assertions.Expect(page.Locator("[data-testid=test-result]")).ToContainTextAsync("42");

        // A technician enrolls a laptop at a client; "Sync now" brings it in, live.
        var company = World.Companies.Where(c => c.ClientName != null).ElementAt(2);
        var ninja = page.Locator("[data-testid=connection-row][data-kind=ninjaone]");
        var itemsBefore = int.Parse((await ninja.Locator("[data-testid=items-fetched]").InnerTextAsync()).Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
        var added = World.AddDevice(company.NinjaOneOrganizationId, withHuntressAgent: false);
        await ninja.Locator("[data-testid=sync-now]").ClickAsync();
        await Assertions.Expect(ninja.Locator("[data-testid=items-fetched]")).ToHaveTextAsync((itemsBefore + 1).ToString("N0", CultureInfo.InvariantCulture));
        await Assertions.Expect(ninja.Locator("[data-testid=connection-health]")).ToHaveAttributeAsync("data-status", "healthy");

        // The connection's own page: its organisations, product mapping and sync history (the start-up sync and ours).
        await ninja.Locator("[data-testid=connection-link]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=connection-name-heading]")).ToHaveTextAsync("NinjaOne RMM");
        await Assertions.Expect(page.Locator("[data-testid=sync-run][data-status=succeeded]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-testid=mapping-row]")).ToHaveCountAsync(42);
        await Assertions.Expect(page.Locator("[data-testid=usage-row][data-key=Workstation]")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("connection-ninjaone"), FullPage = true });
        await page.Locator("[data-testid=nav-integrations]").ClickAsync();

        // The Unmapped queue holds the vendors' organisations that are not clients.
        await page.Locator("[data-testid=unmapped-link]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=mapping-row]")).ToHaveCountAsync(10);
        await Assertions.Expect(page.Locator("[data-testid=mapping-row]").First).ToContainTextAsync("Internal - MSP Lab");
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("mapping-unmapped"), FullPage = true });

        // The client's page shows the counts with the list behind them, the new laptop included.
        await page.Locator("[data-testid=nav-clients]").ClickAsync();
        await Browser.Input(page, "client-search").FillAsync(company.ClientName!);
        await Assertions.Expect(page.Locator("[data-testid=client-row]")).ToHaveCountAsync(1);
        await page.Locator("[data-testid=client-link]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=client-name-heading]")).ToHaveTextAsync(company.ClientName!);
        var group = page.Locator("[data-testid=count-group][data-kind=ninjaone]");
        var approved = World.NinjaOne.DevicesOf(company.NinjaOneOrganizationId).Count(d => d.ApprovalStatus == NinjaValues.Approved);
        await Assertions.Expect(group.Locator("[data-testid=count-value]")).ToHaveAttributeAsync("data-count", approved.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("[data-testid=count-group]")).ToHaveCountAsync(5);
        await group.Locator("[data-testid=evidence-toggle]").ClickAsync();
        await Assertions.Expect(group.Locator("[data-testid=evidence-row]", new() { HasText = added.DisplayName })).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("client-vendor-counts"), FullPage = true });
    }

    [Fact]
    public async Task BillingUser_CannotOpenIntegrations()
    {
        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await Browser.SignInAsync(page, DemoSeeder.BillingEmail, DemoSeeder.DemoPassword);

        await Assertions.Expect(page.Locator("[data-testid=nav-integrations]")).ToHaveCountAsync(0);
        await page.GotoAsync(new Uri(app.BaseAddress, "/integrations").ToString());
        await Assertions.Expect(page.Locator("[data-testid=access-denied]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=connection-row]")).ToHaveCountAsync(0);
    }
}
