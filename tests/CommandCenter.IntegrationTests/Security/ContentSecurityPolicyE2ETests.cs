using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Billing;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace CommandCenter.IntegrationTests.Security;

/// <summary>
/// The whole app in Chromium under its Content-Security-Policy: every main page loads and becomes interactive, dialogs
/// open, sign-out posts its form, and the embedded close works framed by an allowed PSA — with not one CSP violation
/// (the browser's <c>securitypolicyviolation</c> events and console) and no script error.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyE2ETests(AppFactory app, ITestOutputHelper output) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryMainPage_DialogsSignOutAndTheFramedClose_RunWithoutACspViolationOrScriptError()
    {
        using var api = app.ApiClient(DemoSeeder.DemoApiKey);
        var clientId = (await api.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=1", Ct)).GetProperty("items")[0].GetProperty("id").GetGuid();
        var connectionId = (await api.GetFromJsonAsync<JsonElement>("/api/v1/vendor-connections", Ct)).GetProperty("items")[0].GetProperty("id").GetGuid();
        var ticketId = await TicketAsync(api, clientId, "CSP check");
        var period = BillingPeriod.Of(DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime));

        await using var session = await Browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        var violations = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        await page.ExposeFunctionAsync<string>("ccCspViolation", violations.Enqueue);
        // Runs before any page script in every document and frame (Playwright injects it outside the page's CSP).
        await page.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e =>
                window.ccCspViolation(`${e.effectiveDirective} refused ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber} on ${location.href}`));
            """);
        page.Console += (_, m) =>
        {
            var csp = m.Text.Contains("Content Security Policy", StringComparison.Ordinal);
            if (m.Type is "error" or "warning" || csp)
            {
                output.WriteLine($"console {m.Type}: {m.Text} ({page.Url})");
            }

            if (m.Type == "error" || csp)
            {
                errors.Enqueue($"{m.Type}: {m.Text} ({page.Url})");
            }
        };
        page.PageError += (_, e) => errors.Enqueue($"page error: {e} ({page.Url})");

        await Browser.SignInAsync(page, DemoSeeder.AdminEmail, DemoSeeder.DemoPassword);
        string[] pages =
        [
            "/", "/clients", $"/clients/{clientId}", "/clients/import", "/catalog", $"/billing/{period}", "/billing/charges",
            "/psa", $"/psa/tickets/{ticketId}", "/psa/usage", "/integrations", $"/integrations/{connectionId}", "/integrations/mapping",
            "/settings/users", "/settings/api-keys", "/settings/psa", "/settings/billing", "/settings/accounting",
        ];
        foreach (var path in pages)
        {
            var response = await page.GotoAsync(path);
            response.ShouldNotBeNull().Status.ShouldBe(200, path);
            await Browser.WaitForInteractiveAsync(page);
        }

        // Something interactive on the pages that have the app's dialogs: a MudBlazor dialog opens over the circuit.
        (string Path, string Button)[] dialogs = [("/clients", "add-client"), ("/psa", "new-ticket"), ("/billing/charges", "charge-add"), ($"/billing/{period}", "approve-all")];
        foreach (var (path, button) in dialogs)
        {
            await page.GotoAsync(path);
            await Browser.WaitForInteractiveAsync(page);
            await page.Locator($"[data-testid={button}]").ClickAsync();
            await Assertions.Expect(page.Locator(".mud-dialog")).ToBeVisibleAsync();
        }

        // Sign-out is a form post (form-action 'self').
        await page.GotoAsync("/");
        await Browser.WaitForInteractiveAsync(page);
        await page.Locator("[data-testid=user-menu-button]").ClickAsync();
        await page.Locator("[data-testid=sign-out]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/Account/Login", StringComparison.Ordinal));

        // The embedded close inside an allowed PSA's page on another origin: it renders, and its form posts in the frame.
        await using var psa = await FramingSite.StartAsync();
        (await api.PutAsJsonAsync("/api/v1/psa/embed-settings", new { allowedOrigins = new[] { psa.Origin } }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var link = await (await api.PostAsync($"/api/v1/tickets/{await TicketAsync(api, clientId, "Framed under the CSP")}/embed-link", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        psa.Frame = new Uri(app.BaseAddress, link.GetProperty("url").GetString());
        await page.GotoAsync($"{psa.Origin}/ticket");
        var frame = page.FrameLocator("#cc");
        await frame.Locator("[data-testid=billing-class-option-included]").CheckAsync();
        await frame.Locator("[data-testid=confirm-close]").ClickAsync();
        await Assertions.Expect(frame.Locator("[data-testid=embed-closed]")).ToContainTextAsync("Included");

        violations.ShouldBeEmpty(string.Join("\n", violations));
        errors.ShouldBeEmpty(string.Join("\n", errors));
    }

    private static async Task<Guid> TicketAsync(HttpClient api, Guid clientId, string subject)
    {
        var created = await api.PostAsJsonAsync("/api/v1/tickets", new { clientId, subject }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    /// <summary>An external PSA's page on its own loopback port that frames the close link it is given.</summary>
    private sealed class FramingSite(WebApplication site, string origin) : IAsyncDisposable
    {
        public string Origin { get; } = origin;

        public Uri? Frame { get; set; }

        public static async Task<FramingSite> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var site = builder.Build();
            FramingSite? self = null;
            site.MapGet("/ticket", () => Microsoft.AspNetCore.Http.Results.Content(
                $"<!DOCTYPE html><h1>Acme PSA ticket</h1><iframe id=cc src=\"{self!.Frame}\" width=700 height=500></iframe>", "text/html"));
            // Chromium asks every site for its icon; a 404 there would be the only console error.
            site.MapGet("/favicon.ico", () => Microsoft.AspNetCore.Http.Results.NoContent());
            await site.StartAsync(Ct);
            self = new FramingSite(site, site.Urls.First().TrimEnd('/'));
            return self;
        }

        public async ValueTask DisposeAsync() => await site.DisposeAsync();
    }
}
