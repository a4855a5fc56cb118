using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Persistence;
using CommandCenter.Psa;
using CommandCenter.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Psa;

public sealed class EmbedCloseTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EmbeddedClose_SignedLink_RefusesWithoutClassThenClosesBillable_FramedOnlyByConfiguredOrigins()
    {
        using var api = app.ApiClient(DemoSeeder.DemoApiKey);
        (await api.PutAsJsonAsync("/api/v1/psa/embed-settings", new { allowedOrigins = new[] { "https://acme.halopsa.com" } }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ticketId = await OpenTicketAsync(DemoSeeder.DemoTenantName, 80);
        var link = await (await api.PostAsync($"/api/v1/tickets/{ticketId}/embed-link", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var url = link.GetProperty("url").GetString()!;
        using var browser = new HttpClient { BaseAddress = app.BaseAddress };

        var page = await browser.GetAsync(url, Ct);

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        Security.Csp.Of(page)["frame-ancestors"].ShouldBe("'self' https://acme.halopsa.com");
        var html = await page.Content.ReadAsStringAsync(Ct);
        html.ShouldContain("data-testid=\"billing-class-option-billable\"");
        html.ShouldContain("1:20");

        var refused = await (await browser.PostAsync(url, new FormUrlEncodedContent([]), Ct)).Content.ReadAsStringAsync(Ct);
        refused.ShouldContain("data-testid=\"close-error\"");
        refused.ShouldContain("Choose a billing class");
        (await TicketAsync(ticketId)).Status.ShouldBe(TicketStatus.Open);

        var closed = await (await browser.PostAsync(url, new FormUrlEncodedContent([new("billingClass", "Billable")]), Ct)).Content.ReadAsStringAsync(Ct);

        closed.ShouldContain("data-testid=\"embed-closed\"");
        var ticket = await TicketAsync(ticketId);
        ticket.Status.ShouldBe(TicketStatus.Closed);
        ticket.BillingClass.ShouldBe(BillingClass.Billable);
        ticket.ClosedBy.ShouldBe("embedded close (external PSA)");
    }

    [Fact]
    public async Task EmbeddedClose_TamperedLink_Is404AndNotFramable()
    {
        using var browser = new HttpClient { BaseAddress = app.BaseAddress };

        var response = await browser.GetAsync("/embed/close/CfDJ8notarealtoken", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        Security.Csp.Of(response)["frame-ancestors"].ShouldBe("'none'");
        (await browser.PostAsync("/embed/close/CfDJ8notarealtoken", new FormUrlEncodedContent([new("billingClass", "Billable")]), Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task EmbedLink_ForAnotherTenantsTicket_Is404_AndBadOriginIsRefused()
    {
        var ticketId = await OpenTicketAsync(DemoSeeder.DemoTenantName, 30);
        using var other = app.ApiClient(DemoSeeder.OtherApiKey);

        (await other.PostAsync($"/api/v1/tickets/{ticketId}/embed-link", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.PutAsJsonAsync("/api/v1/psa/embed-settings", new { allowedOrigins = new[] { "https://*.halopsa.com/path" } }, Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private async Task<Guid> OpenTicketAsync(string tenantName, int minutes)
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        Guid tenantId, clientId;
        await using (var db = await factory.CreateDbContextAsync(Ct))
        {
            tenantId = await db.Tenants.Where(t => t.Name == tenantName).Select(t => t.Id).SingleAsync(Ct);
            // Reads the tenant's first client directly to arrange the test.
            clientId = await db.Clients.IgnoreQueryFilters([AppDbContext.TenantFilter]).Where(c => c.TenantId == tenantId).OrderBy(c => c.Name).Select(c => c.Id).FirstAsync(Ct);
        }

        var tickets = new Tickets.Handler(new TenantDb(factory, new FixedTenantContext(new TenantScope(tenantId, "test", Roles.Owner))),
            app.Services.GetRequiredService<AuditWriter>(), TimeProvider.System);
        var ticketId = await tickets.CreateAsync(new Tickets.CreateRequest(clientId, "Embedded close test", DemoSeeder.TechnicianEmail), Ct);
        await tickets.AddTimeAsync(ticketId, new Tickets.TimeRequest(DemoSeeder.TechnicianEmail, DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime), minutes), Ct);
        return ticketId;
    }

    private async Task<Ticket> TicketAsync(Guid id)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        return await db.Tickets.IgnoreQueryFilters([AppDbContext.TenantFilter]).AsNoTracking().SingleAsync(t => t.Id == id, Ct);
    }
}
