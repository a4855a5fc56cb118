using System.Globalization;
using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Persistence;
using CommandCenter.Psa;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CommandCenter.IntegrationTests.Psa;

[Collection(BrowserCollection.Name)]
public sealed class PsaE2ETests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Technician_ClosesTicketWithoutClass_IsRefused_ThenBillable_ShowsRoundedHoursAndAmountInUsage()
    {
        // Arrange: an open ticket with 80 minutes (two entries) for a demo client whose rounding makes 80 → 90 minutes.
        // The time is dated 20 months ago so the month holds only this ticket, whatever demo tickets are seeded.
        var (tenantId, client, rate) = await PickClientAsync();
        var services = app.Services;
        var time = services.GetRequiredService<TimeProvider>();
        var tickets = new Tickets.Handler(new TenantDb(services.GetRequiredService<IDbContextFactory<AppDbContext>>(), new FixedTenantContext(new TenantScope(tenantId, "e2e"))),
            services.GetRequiredService<AuditWriter>(), time);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var workDay = new DateOnly(today.Year, today.Month, 10).AddMonths(-20);
        var ticketId = await tickets.CreateAsync(new Tickets.CreateRequest(client.Id, "Printer offline after driver update", "tech@demo.local"), Ct);
        await tickets.AddTimeAsync(ticketId, new Tickets.TimeRequest("tech@demo.local", workDay, 50, "Remote session, reinstalled the driver"), Ct);
        await tickets.AddTimeAsync(ticketId, new Tickets.TimeRequest("tech@demo.local", workDay.AddDays(1), 30, "On site: replaced the fuser"), Ct);

        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await Browser.SignInAsync(page, DemoSeeder.TechnicianEmail, DemoSeeder.DemoPassword);

        // The PSA list, reached from the nav (a technician sees it).
        await page.Locator("[data-testid=nav-psa]").ClickAsync();
        var row = page.Locator($"[data-testid=ticket-row][data-ticket-id='{ticketId}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "open");
        await Assertions.Expect(row).ToContainTextAsync(client.Name);
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("psa-list"), FullPage = true });

        // The ticket with its time.
        await row.Locator("[data-testid=ticket-link]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=time-entry]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-testid=ticket-status]")).ToHaveAttributeAsync("data-status", "open");
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("psa-ticket-open"), FullPage = true });

        // "Add time" shows the handler's validation errors and stores nothing.
        await Browser.Input(page, "time-minutes").FillAsync("0");
        await page.Locator("[data-testid=add-time]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=time-error]")).ToContainTextAsync("Minutes must be between 1 and 1,440");
        await Assertions.Expect(page.Locator("[data-testid=time-entry]")).ToHaveCountAsync(2);

        // Close without a class: refused with the handler's message, the dialog stays open.
        await page.Locator("[data-testid=close-ticket]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=close-affected]")).ToHaveAttributeAsync("data-minutes", "80");
        await Assertions.Expect(page.Locator("[data-testid=close-affected]")).ToContainTextAsync("1:20");
        await page.Locator("[data-testid=confirm-close]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=close-error]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=close-error]")).ToContainTextAsync("Choose a billing class");
        await Assertions.Expect(page.Locator("[data-testid=billing-class]")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("psa-close-refused"), FullPage = true });

        // Billable closes it; its entries inherit the class.
        await page.Locator("[data-testid=billing-class-option-billable]").ClickAsync();
        await page.Locator("[data-testid=confirm-close]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=billing-class]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=ticket-status]")).ToHaveAttributeAsync("data-status", "closed");
        await Assertions.Expect(page.Locator("[data-testid=ticket-class]")).ToHaveAttributeAsync("data-class", "billable");
        await Assertions.Expect(page.Locator("[data-testid=time-entry][data-class=billable]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-testid=close-ticket]")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("psa-ticket-closed"), FullPage = true });

        // The included-vs-billable view of that client and month: 80 min → 1.5 h × the client's rate.
        await page.Locator("[data-testid=usage-link]").ClickAsync();
        var billable = page.Locator("[data-testid=billable-hours]");
        var amount = Math.Round(1.5m * rate, 2, MidpointRounding.AwayFromZero);
        await Assertions.Expect(billable).ToHaveAttributeAsync("data-hours", "1.5");
        await Assertions.Expect(billable).ToHaveAttributeAsync("data-amount", amount.ToString("0.00", CultureInfo.InvariantCulture));
        await Assertions.Expect(billable).ToContainTextAsync("1.5 h");
        await Assertions.Expect(billable).ToContainTextAsync(amount.ToString("C2", CultureInfo.GetCultureInfo("en-US")));
        await Assertions.Expect(page.Locator($"[data-testid=billable-ticket][data-ticket-id='{ticketId}']")).ToHaveAttributeAsync("data-rounded-minutes", "90");
        await Assertions.Expect(page.Locator("[data-testid=class-total][data-class=billable]")).ToHaveAttributeAsync("data-minutes", "80");
        await Assertions.Expect(page.Locator("[data-testid=open-time-warning]")).ToHaveCountAsync(0);
        page.Url.ShouldContain($"client={client.Id}");
        page.Url.ShouldContain("month=" + workDay.ToString("yyyy-MM", CultureInfo.InvariantCulture));
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("psa-usage"), FullPage = true });
    }

    /// <summary>A demo client whose agreement rounds 80 minutes to 90, with the rate its time bills at.</summary>
    private async Task<(Guid TenantId, Clients.Client Client, decimal Rate)> PickClientAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        var tenant = await db.Tenants.SingleAsync(t => t.Name == DemoSeeder.DemoTenantName, Ct);
        // The test is outside any tenant's request: read the demo tenant's clients across the filter, by its id.
        var clients = await db.Clients.IgnoreQueryFilters([AppDbContext.TenantFilter]).Include(c => c.Agreement)
            .Where(c => c.TenantId == tenant.Id).OrderBy(c => c.Name).ToListAsync(Ct);
        var client = clients.First(c => TimeRules.RoundedMinutes(80, c.Agreement?.TimeIncrementMinutes ?? TimeRules.DefaultIncrementMinutes, c.Agreement?.TicketMinimumMinutes ?? 0) == 90);
        return (tenant.Id, client, client.HourlyRate ?? tenant.DefaultHourlyRate);
    }
}
