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

/// <summary>
/// The embedded close in a real browser frame: the Owner allows the PSA's origin in Settings, a page on that origin
/// (served by Playwright's router, as the external PSA would) frames the signed link, and a technician closes the
/// ticket inside it. A page on another origin is refused the frame by the browser.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EmbedCloseE2ETests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExternalPsa_FramesTheSignedClose_AndClosesBillable_OtherSitesCannotFrameIt()
    {
        // Two small sites on other loopback ports play the external PSA and a stranger (a real server each: Chromium
        // only lets a loopback page frame a loopback page).
        var (ticketId, link) = await TicketWithLinkAsync();
        var (_, otherLink) = await TicketWithLinkAsync();
        await using var psa = await FramingSite.StartAsync(new Uri(app.BaseAddress, link));
        await using var stranger = await FramingSite.StartAsync(new Uri(app.BaseAddress, otherLink));
        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await Browser.SignInAsync(page, DemoSeeder.AdminEmail, DemoSeeder.DemoPassword);
        await page.Locator("[data-testid=nav-psa-settings]").ClickAsync();
        var origins = page.Locator("textarea[data-testid=embed-origins], [data-testid=embed-origins] textarea").First;
        await origins.FillAsync(psa.Origin);
        await page.Locator("[data-testid=save-embed-origins]").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar", new() { HasText = "Saved." })).ToBeVisibleAsync();

        await page.GotoAsync($"{psa.Origin}/ticket");
        var frame = page.FrameLocator("#cc");
        await frame.Locator("[data-testid=confirm-close]").ClickAsync();
        await Assertions.Expect(frame.Locator("[data-testid=close-error]")).ToContainTextAsync("Choose a billing class");
        await frame.Locator("[data-testid=billing-class-option-billable]").CheckAsync();
        await frame.Locator("[data-testid=confirm-close]").ClickAsync();
        await Assertions.Expect(frame.Locator("[data-testid=embed-closed]")).ToContainTextAsync("Billable");
        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("embed-close-framed"), FullPage = true });
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct))
        {
            // The ticket's tenant row, read directly to check what the frame did.
            var ticket = await db.Tickets.IgnoreQueryFilters([AppDbContext.TenantFilter]).SingleAsync(t => t.Id == ticketId, Ct);
            ticket.BillingClass.ShouldBe(BillingClass.Billable);
        }

        // Another site: the browser refuses to render the frame (CSP frame-ancestors), so nothing can be clicked there.
        var refused = page.WaitForConsoleMessageAsync(new() { Predicate = m => m.Text.Contains("frame-ancestors", StringComparison.Ordinal) });
        await page.GotoAsync($"{stranger.Origin}/ticket");
        (await refused).Text.ShouldContain("violates the following Content Security Policy directive");
    }

    private async Task<(Guid TicketId, string Link)> TicketWithLinkAsync()
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        Guid tenantId, clientId;
        await using (var db = await factory.CreateDbContextAsync(Ct))
        {
            tenantId = await db.Tenants.Where(t => t.Name == DemoSeeder.DemoTenantName).Select(t => t.Id).SingleAsync(Ct);
            // Picks a demo client directly to arrange the test.
            clientId = await db.Clients.IgnoreQueryFilters([AppDbContext.TenantFilter]).Where(c => c.TenantId == tenantId).OrderBy(c => c.Name).Select(c => c.Id).FirstAsync(Ct);
        }

        var tenantDb = new TenantDb(factory, new FixedTenantContext(new TenantScope(tenantId, "e2e")));
        var time = app.Services.GetRequiredService<TimeProvider>();
        var tickets = new Tickets.Handler(tenantDb, app.Services.GetRequiredService<AuditWriter>(), time);
        var ticketId = await tickets.CreateAsync(new Tickets.CreateRequest(clientId, "Embedded close in the PSA", DemoSeeder.TechnicianEmail), Ct);
        await tickets.AddTimeAsync(ticketId, new Tickets.TimeRequest(DemoSeeder.TechnicianEmail, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), 45), Ct);
        var embed = ActivatorUtilities.CreateInstance<EmbedClose.Handler>(app.Services, tenantDb);
        return (ticketId, (await embed.CreateLinkAsync(ticketId, Ct)).Path);
    }

    /// <summary>A page on its own loopback port that frames one URL.</summary>
    private sealed class FramingSite(Microsoft.AspNetCore.Builder.WebApplication site, string origin) : IAsyncDisposable
    {
        public string Origin { get; } = origin;

        public static async Task<FramingSite> StartAsync(Uri framed)
        {
            var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
            Microsoft.AspNetCore.Hosting.HostingAbstractionsWebHostBuilderExtensions.UseUrls(builder.WebHost, "http://127.0.0.1:0");
            var site = builder.Build();
            Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGet(site, "/ticket", () => Microsoft.AspNetCore.Http.Results.Content(
                $"<!DOCTYPE html><h1>Acme PSA ticket</h1><iframe id=cc src=\"{framed}\" width=700 height=500></iframe>", "text/html"));
            await site.StartAsync(Ct);
            var address = site.Urls.First().TrimEnd('/');
            return new FramingSite(site, address);
        }

        public async ValueTask DisposeAsync() => await site.DisposeAsync();
    }
}
