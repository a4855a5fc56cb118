using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Security;

/// <summary>Who may use a route.</summary>
public enum Who
{
    /// <summary>No sign-in needed (sign-in pages, health, the token-signed embed close).</summary>
    Anyone,

    /// <summary>Every role: Owner, Billing and Technician.</summary>
    AnyRole,

    /// <summary>Owner and Billing: clients, catalog, imports, the month's review, posting, charges, blocks.</summary>
    OwnerOrBilling,

    /// <summary>Owner only: connections and mappings, accounting, API keys, users, PSA settings, Billing settings changes.</summary>
    Owner,
}

/// <summary>
/// The authorization matrix (issue 8): every route the app maps × Owner, Billing, Technician — API keys of each role for
/// /api/v1, signed-in users for pages and the other routes — and anonymous. <see cref="Policy"/> is the expectation
/// and the documentation; a mapped route missing from it fails the test, and so does an entry no route matches.
/// </summary>
public sealed class RoleMatrixTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string BillingKey = "matrix-billing-key";
    private const string TechnicianKey = "matrix-technician-key";

    /// <summary>Who may use each route, keyed by method and route pattern as the app maps them.</summary>
    public static readonly IReadOnlyDictionary<string, Who> Policy = new Dictionary<string, Who>(StringComparer.Ordinal)
    {
        // ── REST API ─────────────────────────────────────────────────────────────────────────────────────────
        // Clients, their lines, agreement terms, counts and usage
        ["GET /api/v1/clients"] = Who.OwnerOrBilling,
        ["POST /api/v1/clients"] = Who.OwnerOrBilling,
        ["GET /api/v1/clients/{clientId:guid}"] = Who.OwnerOrBilling,
        ["PUT /api/v1/clients/{clientId:guid}"] = Who.OwnerOrBilling,
        ["DELETE /api/v1/clients/{clientId:guid}"] = Who.OwnerOrBilling,
        ["GET /api/v1/clients/{clientId:guid}/lines"] = Who.OwnerOrBilling,
        ["POST /api/v1/clients/{clientId:guid}/lines"] = Who.OwnerOrBilling,
        ["PUT /api/v1/clients/{clientId:guid}/lines/{lineId:guid}"] = Who.OwnerOrBilling,
        ["DELETE /api/v1/clients/{clientId:guid}/lines/{lineId:guid}"] = Who.OwnerOrBilling,
        ["GET /api/v1/clients/{clientId:guid}/agreement"] = Who.OwnerOrBilling,
        ["PUT /api/v1/clients/{clientId:guid}/agreement"] = Who.OwnerOrBilling,
        ["GET /api/v1/clients/{clientId:guid}/counts"] = Who.OwnerOrBilling,
        ["GET /api/v1/clients/{clientId:guid}/usage/{period}"] = Who.OwnerOrBilling,
        // Catalog and the billing-sheet import
        ["GET /api/v1/catalog-items"] = Who.OwnerOrBilling,
        ["POST /api/v1/catalog-items"] = Who.OwnerOrBilling,
        ["GET /api/v1/catalog-items/{itemId:guid}"] = Who.OwnerOrBilling,
        ["PUT /api/v1/catalog-items/{itemId:guid}"] = Who.OwnerOrBilling,
        ["DELETE /api/v1/catalog-items/{itemId:guid}"] = Who.OwnerOrBilling,
        ["POST /api/v1/imports/billing-sheet"] = Who.OwnerOrBilling,
        // The month: review, adjust, approve, post, corrections, exports
        ["GET /api/v1/billing-runs/{period}"] = Who.OwnerOrBilling,
        ["GET /api/v1/billing-runs/{period}/preview.csv"] = Who.OwnerOrBilling,
        ["POST /api/v1/billing-runs/{period}/refresh"] = Who.OwnerOrBilling,
        ["POST /api/v1/billing-runs/{period}/approve"] = Who.OwnerOrBilling,
        ["POST /api/v1/billing-runs/{period}/invoices/{invoiceId:guid}/adjustments"] = Who.OwnerOrBilling,
        ["POST /api/v1/billing-runs/{period}/invoices/{invoiceId:guid}/unapprove"] = Who.OwnerOrBilling,
        ["POST /api/v1/billing-runs/{period}/post"] = Who.OwnerOrBilling,
        ["GET /api/v1/billing-runs/{period}/posting"] = Who.OwnerOrBilling,
        ["POST /api/v1/billing-runs/{period}/posting/check"] = Who.OwnerOrBilling,
        ["POST /api/v1/billing-runs/{period}/lock"] = Who.OwnerOrBilling,
        ["POST /api/v1/billing-runs/{period}/corrections"] = Who.OwnerOrBilling,
        ["GET /api/v1/billing-runs/{period}/exports/{exportId:guid}"] = Who.OwnerOrBilling,
        ["GET /api/v1/charges"] = Who.OwnerOrBilling,
        ["POST /api/v1/charges"] = Who.OwnerOrBilling,
        ["DELETE /api/v1/charges/{chargeId:guid}"] = Who.OwnerOrBilling,
        ["GET /api/v1/block-hours"] = Who.OwnerOrBilling,
        ["POST /api/v1/block-hours"] = Who.OwnerOrBilling,
        ["GET /api/v1/billing-settings"] = Who.OwnerOrBilling,
        ["PUT /api/v1/billing-settings"] = Who.Owner,
        // PSA: tickets, time, close, the embeddable close's link
        ["GET /api/v1/tickets"] = Who.AnyRole,
        ["POST /api/v1/tickets"] = Who.AnyRole,
        ["GET /api/v1/tickets/{ticketId:guid}"] = Who.AnyRole,
        ["POST /api/v1/tickets/{ticketId:guid}/time-entries"] = Who.AnyRole,
        ["POST /api/v1/tickets/{ticketId:guid}/close"] = Who.AnyRole,
        ["POST /api/v1/tickets/{ticketId:guid}/embed-link"] = Who.AnyRole,
        ["PUT /api/v1/time-entries/{entryId:guid}/billing-class"] = Who.AnyRole,
        ["POST /api/v1/time-entries/batch"] = Who.AnyRole,
        ["GET /api/v1/psa/embed-settings"] = Who.Owner,
        ["PUT /api/v1/psa/embed-settings"] = Who.Owner,
        // Vendor connections and their mappings
        ["GET /api/v1/vendor-connections"] = Who.Owner,
        ["POST /api/v1/vendor-connections"] = Who.Owner,
        ["GET /api/v1/vendor-connections/{connectionId:guid}"] = Who.Owner,
        ["PUT /api/v1/vendor-connections/{connectionId:guid}"] = Who.Owner,
        ["DELETE /api/v1/vendor-connections/{connectionId:guid}"] = Who.Owner,
        ["POST /api/v1/vendor-connections/{connectionId:guid}/test"] = Who.Owner,
        ["POST /api/v1/vendor-connections/{connectionId:guid}/sync"] = Who.Owner,
        ["POST /api/v1/vendor-connections/{connectionId:guid}/firewall-inventory"] = Who.Owner,
        ["GET /api/v1/vendor-connections/{connectionId:guid}/runs"] = Who.Owner,
        ["GET /api/v1/vendor-connections/{connectionId:guid}/organizations"] = Who.Owner,
        ["PUT /api/v1/vendor-connections/{connectionId:guid}/organizations/{externalId}/mapping"] = Who.Owner,
        ["GET /api/v1/vendor-connections/{connectionId:guid}/snapshots"] = Who.Owner,
        ["GET /api/v1/vendor-connections/{connectionId:guid}/usage-mappings"] = Who.Owner,
        ["PUT /api/v1/vendor-connections/{connectionId:guid}/usage-mappings/{metric}/{key}"] = Who.Owner,
        // The accounting target, its records and mappings
        ["GET /api/v1/audit"] = Who.OwnerOrBilling,
        ["GET /api/v1/accounting-connection"] = Who.Owner,
        ["PUT /api/v1/accounting-connection"] = Who.Owner,
        ["DELETE /api/v1/accounting-connection"] = Who.Owner,
        ["POST /api/v1/accounting-connection/check"] = Who.Owner,
        ["POST /api/v1/accounting-connection/import"] = Who.Owner,
        ["GET /api/v1/accounting-connection/customers"] = Who.Owner,
        ["GET /api/v1/accounting-connection/items"] = Who.Owner,
        ["GET /api/v1/accounting-connection/mappings"] = Who.Owner,
        ["PUT /api/v1/accounting-connection/mappings"] = Who.Owner,
        ["POST /api/v1/accounting-connection/mappings/accept-suggestions"] = Who.Owner,

        // ── Pages ────────────────────────────────────────────────────────────────────────────────────────────
        ["GET /Account/Login"] = Who.Anyone,
        ["GET /Account/Register"] = Who.Anyone,
        ["GET /Account/AcceptInvite"] = Who.Anyone,
        ["GET /Account/AccessDenied"] = Who.Anyone,
        ["GET /Error"] = Who.Anyone,
        ["GET /not-found"] = Who.Anyone,
        ["GET /"] = Who.AnyRole, // the month-end cockpit shows its figures to Owner and Billing only
        ["GET /psa"] = Who.AnyRole,
        ["GET /psa/tickets/{TicketId:guid}"] = Who.AnyRole,
        ["GET /psa/usage"] = Who.AnyRole, // amounts shown to Owner and Billing only
        ["GET /clients"] = Who.OwnerOrBilling,
        ["GET /clients/{ClientId:guid}"] = Who.OwnerOrBilling,
        ["GET /clients/import"] = Who.OwnerOrBilling,
        ["GET /catalog"] = Who.OwnerOrBilling,
        ["GET /billing"] = Who.OwnerOrBilling,
        ["GET /billing/{Period}"] = Who.OwnerOrBilling, // reopening a month: a signed-in Owner's button on this page
        ["GET /billing/charges"] = Who.OwnerOrBilling,
        ["GET /settings/billing"] = Who.OwnerOrBilling, // Billing reads, Owner changes
        ["GET /integrations"] = Who.Owner,
        ["GET /integrations/{ConnectionId:guid}"] = Who.Owner,
        ["GET /integrations/mapping"] = Who.Owner,
        ["GET /settings/accounting"] = Who.Owner,
        ["GET /settings/api-keys"] = Who.Owner,
        ["GET /settings/users"] = Who.Owner,
        ["GET /settings/psa"] = Who.Owner,
        ["GET /audit"] = Who.OwnerOrBilling,

        // ── Other HTTP routes ────────────────────────────────────────────────────────────────────────────────
        ["GET /healthz"] = Who.Anyone,
        ["GET /openapi/{documentName}.json"] = Who.Anyone,
        ["POST /Account/Logout"] = Who.Anyone,
        ["GET /embed/close/{token}"] = Who.Anyone, // the signed 15-minute token is the credential
        ["POST /embed/close/{token}"] = Who.Anyone,
        ["GET /billing/{period}/preview.csv"] = Who.OwnerOrBilling,
        ["GET /billing/{period}/exports/{exportId:guid}.iif"] = Who.OwnerOrBilling,
        ["GET /accounting/oauth/connect"] = Who.Owner,
        ["GET /accounting/oauth/callback"] = Who.Owner,
        ["GET /audit/export.csv"] = Who.OwnerOrBilling,
    };

    private static readonly (string Role, string Email, string ApiKey)[] Roles_ =
    [
        (Roles.Technician, DemoSeeder.TechnicianEmail, TechnicianKey),
        (Roles.Billing, DemoSeeder.BillingEmail, BillingKey),
        (Roles.Owner, DemoSeeder.AdminEmail, DemoSeeder.DemoApiKey),
    ];

    private static bool Allows(Who who, string role) => who switch
    {
        Who.Anyone or Who.AnyRole => true,
        Who.OwnerOrBilling => role is Roles.Owner or Roles.Billing,
        Who.Owner => role == Roles.Owner,
        _ => false,
    };

    [Fact]
    public void Policy_CoversEveryMappedRoute_AndNothingElse()
    {
        var routes = AppRoutes.Enumerate(app).Select(r => r.Key).ToList();

        routes.Where(r => !Policy.ContainsKey(r)).ShouldBeEmpty("mapped routes without an entry in RoleMatrixTests.Policy");
        Policy.Keys.Except(routes).ShouldBeEmpty("Policy entries that match no mapped route");
    }

    [Fact]
    public async Task EveryRoute_EachRoleAndAnonymous_AllowedOrDeniedAsThePolicySays()
    {
        // The Owner's probes reach handlers (with nothing to change); the start-up accounting import must be done first.
        await CommandCenter.IntegrationTests.Billing.DemoReady.AccountingAsync(app, Ct);
        await AddRoleKeysAsync();
        var routes = AppRoutes.Enumerate(app).Where(r => Policy.ContainsKey(r.Key)).ToList();
        var failures = new List<string>();
        var probes = 0;

        using (var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress })
        {
            foreach (var route in routes)
            {
                var (status, location) = await SendAsync(anonymous, route);
                probes++;
                var who = Policy[route.Key];
                var refused = status == HttpStatusCode.Unauthorized
                    || (status == HttpStatusCode.Redirect && location.Contains("/Account/Login?ReturnUrl=", StringComparison.OrdinalIgnoreCase));
                if (who == Who.Anyone ? refused || status == HttpStatusCode.InternalServerError : !refused)
                {
                    failures.Add($"anonymous {route}: {(int)status} {location}");
                }
            }
        }

        foreach (var (role, email, apiKey) in Roles_)
        {
            using var api = app.ApiClient(apiKey);
            using var cookie = await CookieSession.SignInAsync(app, email, DemoSeeder.DemoPassword, Ct);
            // Signing out last, so the session serves every other route first.
            foreach (var route in routes.Where(r => Policy[r.Key] != Who.Anyone))
            {
                var (status, location) = await SendAsync(route.Kind == RouteKind.Api ? api : cookie, route);
                probes++;
                var denied = status == HttpStatusCode.Forbidden
                    || (status == HttpStatusCode.Redirect && location.Contains("/Account/AccessDenied", StringComparison.Ordinal));
                var broken = status is HttpStatusCode.InternalServerError or HttpStatusCode.Unauthorized
                    || (status == HttpStatusCode.Redirect && location.Contains("/Account/Login", StringComparison.Ordinal));
                var allowed = Allows(Policy[route.Key], role);
                if (broken || denied == allowed)
                {
                    failures.Add($"{role} {route}: {(int)status} {location} (policy {Policy[route.Key]})");
                }
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"role matrix: {routes.Count} routes × (3 roles + anonymous), {probes} probes, {failures.Count} failures");
        failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task ApiKey_OfTechnician_GetsProblemDetails403_ForBillingButWorksTickets()
    {
        await AddRoleKeysAsync();
        using var technician = app.ApiClient(TechnicianKey);

        var denied = await technician.GetAsync("/api/v1/clients", Ct);
        denied.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        denied.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await denied.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetInt32().ShouldBe(403);

        var tickets = await technician.GetFromJsonAsync<JsonElement>("/api/v1/tickets?pageSize=1", Ct);
        tickets.GetProperty("total").GetInt32().ShouldBeGreaterThan(0);
    }

    /// <summary>
    /// One request that reaches the route's handler only after authorization and changes nothing there: ids that do not
    /// exist, a period that is not a month, a body that does not bind.
    /// </summary>
    private static async Task<(HttpStatusCode Status, string Location)> SendAsync(HttpClient client, AppRoute route)
    {
        var path = AppRoutes.Fill(route, p => p.ToLowerInvariant() switch
        {
            "period" => "not-a-month",
            "documentname" => "v1",
            "token" => "not-a-token",
            "externalid" or "metric" or "key" => "probe",
            _ => Guid.NewGuid().ToString(),
        });
        HttpContent? body = route.Method is not ("POST" or "PUT") ? null
            : route.Accepts is { } type && !type.Contains("json", StringComparison.Ordinal) ? new StringContent("probe", System.Text.Encoding.UTF8, type)
            : Probe.Json("\"not an object\"");
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), path) { Content = body };
        using var response = await client.SendAsync(request, Ct);
        return (response.StatusCode, response.Headers.Location?.ToString() ?? "");
    }

    private async Task AddRoleKeysAsync()
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync(Ct);
        var tenantId = await db.Tenants.Where(t => t.Name == DemoSeeder.DemoTenantName).Select(t => t.Id).SingleAsync(Ct);
        await using var ctx = factory.CreateDbContext().ForTenant(tenantId, "test");
        foreach (var (key, role) in new[] { (BillingKey, Roles.Billing), (TechnicianKey, Roles.Technician) })
        {
            var hash = ApiKey.HashKey(key);
            if (!await ctx.ApiKeys.AnyAsync(k => k.Hash == hash, Ct))
            {
                ctx.ApiKeys.Add(new ApiKey { TenantId = tenantId, Name = $"matrix {role}", Prefix = ApiKey.PrefixOf(key), Hash = hash, Role = role, CreatedUtc = TimeProvider.System.GetUtcNow().UtcDateTime });
            }
        }

        await ctx.SaveChangesAsync(Ct);
    }
}
