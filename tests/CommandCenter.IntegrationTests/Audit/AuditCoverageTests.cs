using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using CommandCenter.Accounting;
using CommandCenter.Billing;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Accounting;
using CommandCenter.IntegrationTests.Billing;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Persistence;
using CommandCenter.Simulators;
using CommandCenter.Tenancy;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Audit;

/// <summary>
/// Every kind of manual change the product promises to audit, driven through the real API (and the Owner-only reopen
/// through its handler, as the month's page calls it), then read back through <c>GET /api/v1/audit</c>: who, when,
/// before, after and the reason where one is asked — and credentials changes name their fields, never their values.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AuditCoverageTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string ApiActor = "api-key:" + DemoSeeder.DemoApiKeyName;
    private const string NewVendorSecret = "rotated-ninja-secret-7731";
    private const string NewConductorSecret = "sk_rotated_conductor_5519";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ManualChanges_EachKind_AuditedWithWhoWhenBeforeAfterAndWhy_CredentialsByFieldNameOnly()
    {
        await DemoReady.HistoryAsync(app, Ct);
        await DemoReady.AccountingAsync(app, Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var started = TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(-1);
        var period = DemoMonth.Period();

        // Quantity override and price adjustment on an invoice line, each with its reason.
        var run = await DemoMonth.WaitReadyAsync(http, Ct);
        var invoice = run.GetProperty("invoices").GetProperty("items").EnumerateArray()
            .First(i => i.GetProperty("lines").EnumerateArray().Any(l => !l.GetProperty("needsDecision").GetBoolean() && l.GetProperty("quantity").GetDecimal() > 0));
        var invoiceId = invoice.GetProperty("id").GetGuid();
        var line = invoice.GetProperty("lines").EnumerateArray().First(l => !l.GetProperty("needsDecision").GetBoolean() && l.GetProperty("quantity").GetDecimal() > 0);
        var lineKey = line.GetProperty("key").GetString();
        var quantity = line.GetProperty("quantity").GetDecimal();
        var price = line.GetProperty("unitPrice").GetDecimal();
        await OkAsync(http.PostAsJsonAsync($"/api/v1/billing-runs/{period}/invoices/{invoiceId}/adjustments", new { lineKey, quantity = quantity + 2, reason = "Two seats added on the 28th" }, Ct));
        await OkAsync(http.PostAsJsonAsync($"/api/v1/billing-runs/{period}/invoices/{invoiceId}/adjustments", new { lineKey, unitPrice = price + 1, reason = "New price from the renewal" }, Ct));

        // Ticket close with its billing class.
        var clientId = invoice.GetProperty("clientId").GetGuid();
        var ticket = await (await http.PostAsJsonAsync("/api/v1/tickets", new { clientId, subject = "Audit coverage ticket", technician = "Alex Tech" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var ticketId = ticket.GetProperty("id").GetGuid();
        await OkAsync(http.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/close", new { billingClass = "Billable" }, Ct));

        // Flag decisions, approval, Post all; then reopening (a signed-in Owner's act).
        await DemoMonth.DecideAndApproveAllAsync(http, Ct);
        (await http.PostAsJsonAsync($"/api/v1/billing-runs/{period}/post", new { }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await DemoMonth.WaitPostingAsync(http, s => s.GetProperty("locked").GetBoolean(), TimeSpan.FromMinutes(3), Ct);
        await ReopenAsOwnerAsync(BillingPeriod.Parse(period), "Credit for a laptop retired before the month");

        // Vendor organisation mapping and accounting customer mapping, with reasons.
        var connections = (await http.GetFromJsonAsync<JsonElement>("/api/v1/vendor-connections", Ct)).GetProperty("items").EnumerateArray().ToList();
        var ninja = connections.First(c => c.GetProperty("kind").GetString() == "ninjaone");
        var ninjaId = ninja.GetProperty("id").GetGuid();
        var org = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/vendor-connections/{ninjaId}/organizations?pageSize=1000", Ct)).GetProperty("items").EnumerateArray().First();
        var orgId = org.GetProperty("externalId").GetString()!;
        await OkAsync(http.PutAsJsonAsync($"/api/v1/vendor-connections/{ninjaId}/organizations/{Uri.EscapeDataString(orgId)}/mapping",
            new { ignored = true, reason = "Internal lab organisation, never billed" }, Ct));
        await OkAsync(http.PutAsJsonAsync("/api/v1/accounting-connection/mappings",
            new { customers = new[] { new { clientId, externalId = (string?)null } }, reason = "Customer merged in QuickBooks" }, Ct));

        // Credentials: a new secret on the vendor connection and on the accounting connection.
        await OkAsync(http.PutAsJsonAsync($"/api/v1/vendor-connections/{ninjaId}", new
        {
            kind = "ninjaone",
            name = ninja.GetProperty("name").GetString(),
            baseUrl = ninja.GetProperty("baseUrl").GetString(),
            tokenUrl = ninja.TryGetProperty("tokenUrl", out var tokenUrl) && tokenUrl.ValueKind == JsonValueKind.String ? tokenUrl.GetString() : null,
            scheduleMinutes = ninja.GetProperty("scheduleMinutes").GetInt32(),
            enabled = false,
            credentials = new { clientId = SimulatorCredentials.NinjaOneClientId, clientSecret = NewVendorSecret },
        }, Ct));
        var accounting = await http.GetFromJsonAsync<JsonElement>("/api/v1/accounting-connection", Ct);
        await OkAsync(http.PutAsJsonAsync("/api/v1/accounting-connection", new
        {
            kind = "conductor",
            baseUrl = accounting.GetProperty("baseUrl").GetString(),
            fallbackItemId = accounting.GetProperty("fallbackItemId").GetString(),
            credentials = new { secretKey = NewConductorSecret },
        }, Ct));

        var adjusted = await EntriesAsync(http, "billing.line-adjusted", $"&entityType=Invoice&entityId={invoiceId}");
        adjusted.Count.ShouldBe(2);
        var quantityEntry = adjusted.Single(e => e.GetProperty("reason").GetString() == "Two seats added on the 28th");
        Field(quantityEntry, "quantity").ShouldBe((Num(quantity), Num(quantity + 2)));
        var priceEntry = adjusted.Single(e => e.GetProperty("reason").GetString() == "New price from the renewal");
        Field(priceEntry, "unitPrice").ShouldBe((Num(price), Num(price + 1)));
        adjusted.ShouldAllBe(e => e.GetProperty("actor").GetString() == ApiActor && e.GetProperty("atUtc").GetDateTime() >= started);
        quantityEntry.GetProperty("period").GetString().ShouldBe(period);

        var closed = (await EntriesAsync(http, "ticket.closed", $"&entityId={ticketId}")).ShouldHaveSingleItem();
        closed.GetProperty("before").GetProperty("status").GetString().ShouldBe("Open");
        closed.GetProperty("after").ToString().ShouldContain("Billable");

        (await EntriesAsync(http, "billing.flag-decided", "")).ShouldAllBe(e => e.GetProperty("reason").GetString() == "Checked with the client");
        (await EntriesAsync(http, "billing.approved", "")).ShouldNotBeEmpty();
        (await EntriesAsync(http, "billing.post-all", "")).ShouldHaveSingleItem().GetProperty("actor").GetString().ShouldBe(ApiActor);
        (await EntriesAsync(http, "accounting.posted", "")).Count.ShouldBeGreaterThan(0);

        var reopened = (await EntriesAsync(http, "billing.reopened", "")).ShouldHaveSingleItem();
        reopened.GetProperty("actor").GetString().ShouldBe(DemoSeeder.AdminEmail);
        reopened.GetProperty("reason").GetString().ShouldBe("Credit for a laptop retired before the month");
        Field(reopened, "status").ShouldBe(("Posted", "Reopened"));

        var mapped = (await EntriesAsync(http, "organization.mapped", "&text=" + Uri.EscapeDataString("Internal lab"))).ShouldHaveSingleItem();
        mapped.GetProperty("after").ToString().ShouldContain("true");
        // Newest first: the demo's start-up mapping of the same client comes after.
        var unmapped = (await EntriesAsync(http, "accounting.mapped", "&entityType=Client&entityId=" + clientId))[0];
        unmapped.GetProperty("reason").GetString().ShouldBe("Customer merged in QuickBooks");
        unmapped.GetProperty("before").GetProperty("externalId").ValueKind.ShouldBe(JsonValueKind.String);
        unmapped.GetProperty("clientId").GetGuid().ShouldBe(clientId);

        var vendorCredentials = (await EntriesAsync(http, "connection.updated", $"&entityId={ninjaId}")).ShouldHaveSingleItem();
        vendorCredentials.GetProperty("after").GetProperty("credentialFields").EnumerateArray().Select(f => f.GetString()).ShouldBe(["clientSecret"]);
        var accountingCredentials = (await EntriesAsync(http, "accounting.connection.saved", "")).ShouldHaveSingleItem();
        accountingCredentials.GetProperty("after").GetProperty("credentialFields").EnumerateArray().Select(f => f.GetString()).ShouldBe(["secretKey"]);

        // No entry of the whole log, in any tenant, holds a credential value, old or new.
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        var everything = await db.AuditEntries.IgnoreQueryFilters([AppDbContext.TenantFilter]) // every tenant on purpose: a leak anywhere counts
            .Select(e => e.Actor + e.Before + e.After + e.Reason).ToListAsync(Ct);
        string[] secrets = [NewVendorSecret, NewConductorSecret, SimulatorCredentials.NinjaOneClientSecret, SimulatorCredentials.Pax8ClientSecret,
            SimulatorCredentials.HuntressApiSecret, SimulatorCredentials.GraphClientSecret, DemoVendors.ConductorCredentials.SecretKey!];
        foreach (var secret in secrets)
        {
            everything.ShouldNotContain(text => text.Contains(secret, StringComparison.Ordinal), $"a credential value reached the audit log");
        }
    }

    private async Task ReopenAsOwnerAsync(BillingPeriod period, string reason)
    {
        await using var scope = await DemoOwner.ScopeAsync(app.Services, Ct);
        await scope.ServiceProvider.GetRequiredService<Postings.Handler>().ReopenAsync(period, reason, Ct);
    }

    private static async Task<List<JsonElement>> EntriesAsync(HttpClient http, string action, string more)
    {
        var body = await http.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action={Uri.EscapeDataString(action)}&pageSize=1000{more}", Ct);
        var items = body.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("action").GetString() == action).ToList();
        body.GetProperty("total").GetInt32().ShouldBeGreaterThanOrEqualTo(items.Count);
        return items;
    }

    private static (string? Before, string? After) Field(JsonElement entry, string field)
    {
        var change = entry.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("field").GetString() == field);
        return (change.GetProperty("before").GetString(), change.GetProperty("after").GetString());
    }

    private static string Num(decimal value) => value.ToString("0.##########", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task OkAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        response.IsSuccessStatusCode.ShouldBeTrue($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }
}
