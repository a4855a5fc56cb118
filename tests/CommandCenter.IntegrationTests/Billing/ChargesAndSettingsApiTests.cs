using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;

namespace CommandCenter.IntegrationTests.Billing;

/// <summary>One-off charges and credits, Billing settings and per-client agreement terms, through the REST API and the month's preview.</summary>
public sealed class ChargesAndSettingsApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly Today => DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);

    private static string Period => Today.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task AddChargeAndCredit_WhileRunIsOpen_ShowOnTheClientsDraftInvoiceWithExactAmounts()
    {
        await DemoReadyAsync();
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        // The month's run is open before the charge exists: adding it must update the draft without a refresh.
        var before = await InvoiceOfAsync(http, await FirstClientAsync(http));
        var clientId = before.GetProperty("clientId").GetGuid();
        var items = await http.GetFromJsonAsync<JsonElement>("/api/v1/catalog-items?pageSize=100", Ct);
        var itemId = items.GetProperty("items").EnumerateArray().First().GetProperty("id").GetGuid();

        var charge = await http.PostAsJsonAsync("/api/v1/charges",
            new { clientId, date = Day(Today), description = "Firewall install, on site", quantity = 2, unitPrice = 162.5m, itemId, reason = "Project SOW-12" }, Ct);
        var credit = await http.PostAsJsonAsync("/api/v1/charges",
            new { clientId, date = Day(Today), description = "Goodwill credit: Monday outage", unitPrice = -49.99m }, Ct);

        charge.StatusCode.ShouldBe(HttpStatusCode.Created);
        credit.StatusCode.ShouldBe(HttpStatusCode.Created);
        var chargeBody = await charge.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var creditBody = await credit.Content.ReadFromJsonAsync<JsonElement>(Ct);
        chargeBody.GetProperty("amount").GetDecimal().ShouldBe(325.00m);
        chargeBody.GetProperty("status").GetString().ShouldBe("pending");
        creditBody.GetProperty("amount").GetDecimal().ShouldBe(-49.99m);
        var after = await InvoiceOfAsync(http, clientId);
        var lines = after.GetProperty("lines").EnumerateArray().ToDictionary(l => l.GetProperty("key").GetString()!);
        var chargeLine = lines[$"charge:{chargeBody.GetProperty("id").GetGuid():N}"];
        chargeLine.GetProperty("amount").GetDecimal().ShouldBe(325.00m);
        chargeLine.GetProperty("quantity").GetDecimal().ShouldBe(2m);
        chargeLine.GetProperty("unitPrice").GetDecimal().ShouldBe(162.50m);
        chargeLine.GetProperty("description").GetString()!.ShouldContain("Firewall install, on site");
        var creditLine = lines[$"charge:{creditBody.GetProperty("id").GetGuid():N}"];
        creditLine.GetProperty("amount").GetDecimal().ShouldBe(-49.99m);
        creditLine.GetProperty("description").GetString()!.ShouldContain("Goodwill credit: Monday outage");
        after.GetProperty("total").GetDecimal().ShouldBe(before.GetProperty("total").GetDecimal() + 325.00m - 49.99m);

        var listed = await http.GetFromJsonAsync<JsonElement>($"/api/v1/charges?clientId={clientId}&period={Period}", Ct);
        // (Other tests of this class may add charges to the same client: look at these two.)
        var ours = new[] { chargeBody.GetProperty("id").GetGuid(), creditBody.GetProperty("id").GetGuid() };
        listed.GetProperty("items").EnumerateArray().Where(c => ours.Contains(c.GetProperty("id").GetGuid()))
            .Select(c => c.GetProperty("amount").GetDecimal()).ShouldBe([325.00m, -49.99m], ignoreOrder: true);

        // Deleting the pending credit takes it off the draft, again without a refresh.
        (await http.DeleteAsync($"/api/v1/charges/{creditBody.GetProperty("id").GetGuid()}?reason=duplicate", Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var afterDelete = await InvoiceOfAsync(http, clientId);
        afterDelete.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("key").GetString()).ShouldNotContain($"charge:{creditBody.GetProperty("id").GetGuid():N}");
        afterDelete.GetProperty("total").GetDecimal().ShouldBe(before.GetProperty("total").GetDecimal() + 325.00m);
    }

    [Fact]
    public async Task AddCharge_BadInput_Answers400NamingTheField()
    {
        await DemoReadyAsync();
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var clientId = await FirstClientAsync(http);
        var lastMonth = new DateOnly(Today.Year, Today.Month, 1).AddMonths(-1).AddDays(9);

        (await ErrorsOfAsync(await http.PostAsJsonAsync("/api/v1/charges", new { clientId, date = Day(Today), description = " ", unitPrice = 10m }, Ct)))
            .ShouldContainKey("description");
        (await ErrorsOfAsync(await http.PostAsJsonAsync("/api/v1/charges", new { clientId, date = Day(Today), description = "Hardware", unitPrice = 0m }, Ct)))
            .ShouldContainKey("unitPrice");
        (await ErrorsOfAsync(await http.PostAsJsonAsync("/api/v1/charges", new { clientId = Guid.NewGuid(), date = Day(Today), description = "Hardware", unitPrice = 10m }, Ct)))
            .ShouldContainKey("clientId");
        var posted = await ErrorsOfAsync(await http.PostAsJsonAsync("/api/v1/charges", new { clientId, date = Day(lastMonth), description = "Hardware", unitPrice = 10m }, Ct));
        posted["date"].Single().ShouldContain("posted");

        var stored = await http.GetFromJsonAsync<JsonElement>($"/api/v1/charges?clientId={clientId}&period={lastMonth:yyyy-MM}", Ct);
        stored.GetProperty("total").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Charges_OtherTenantsClientOrCharge_IsNotFoundForThem()
    {
        await DemoReadyAsync();
        using var demo = app.ApiClient(DemoSeeder.DemoApiKey);
        using var other = app.ApiClient(DemoSeeder.OtherApiKey);
        var demoClient = await FirstClientAsync(demo);
        var demoCharge = await (await demo.PostAsJsonAsync("/api/v1/charges", new { clientId = demoClient, date = Day(Today), description = "Cabling", unitPrice = 80m }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct);

        var add = await other.PostAsJsonAsync("/api/v1/charges", new { clientId = demoClient, date = Day(Today), description = "Sneaky", unitPrice = 10m }, Ct);
        var delete = await other.DeleteAsync($"/api/v1/charges/{demoCharge.GetProperty("id").GetGuid()}", Ct);
        var list = await other.GetFromJsonAsync<JsonElement>($"/api/v1/charges?clientId={demoClient}&period={Period}", Ct);

        (await ErrorsOfAsync(add)).ShouldContainKey("clientId");
        delete.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        list.GetProperty("total").GetInt32().ShouldBe(0);
        var still = await demo.GetFromJsonAsync<JsonElement>($"/api/v1/charges?clientId={demoClient}&period={Period}", Ct);
        still.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ShouldContain(demoCharge.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task SaveSettings_PrefixAndNumberLongerThan11_Answers400NamingInvoicePrefixAndKeepsTheOld()
    {
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var settings = await http.GetFromJsonAsync<JsonElement>("/api/v1/billing-settings", Ct);

        var response = await http.PutAsJsonAsync("/api/v1/billing-settings", With(settings, ("invoicePrefix", "INVOICE-"), ("nextInvoiceNumber", 12345)), Ct);

        var errors = await ErrorsOfAsync(response);
        errors["invoicePrefix"].Single().ShouldContain("11 characters");
        errors["invoicePrefix"].Single().ShouldContain("INVOICE-12345");
        var now = await http.GetFromJsonAsync<JsonElement>("/api/v1/billing-settings", Ct);
        now.GetProperty("invoicePrefix").GetString().ShouldBe(settings.GetProperty("invoicePrefix").GetString());
        now.GetProperty("nextInvoiceNumber").GetInt32().ShouldBe(settings.GetProperty("nextInvoiceNumber").GetInt32());
    }

    [Fact]
    public async Task SaveSettings_PaymentTerms_ShowInTheInvoiceDueDateAfterRefresh()
    {
        await DemoReadyAsync();
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var settings = await http.GetFromJsonAsync<JsonElement>("/api/v1/billing-settings", Ct);
        var clientId = await FirstClientAsync(http, withoutOwnPaymentTerms: true);
        var terms = settings.GetProperty("paymentTermsDays").GetInt32();
        var changed = terms == 45 ? 60 : 45;
        try
        {
            var before = await InvoiceOfAsync(http, clientId);
            DueDays(before).ShouldBe(terms);

            var saved = await http.PutAsJsonAsync("/api/v1/billing-settings", With(settings, ("paymentTermsDays", changed), ("reason", "New terms from January")), Ct);
            saved.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await http.PostAsync($"/api/v1/billing-runs/{Period}/refresh", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

            var after = await InvoiceOfAsync(http, clientId);
            DueDays(after).ShouldBe(changed);
            after.GetProperty("invoiceDate").GetString().ShouldBe(Day(new DateOnly(Today.Year, Today.Month, 1).AddMonths(1).AddDays(-1)));
        }
        finally
        {
            await http.PutAsJsonAsync("/api/v1/billing-settings", With(settings, ("reason", "Test restores the terms")), Ct);
        }
    }

    [Fact]
    public async Task SaveAgreementTerms_IncrementOverride_ChangesThatClientsTimeRounding()
    {
        await DemoReadyAsync();
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var created = await http.PostAsJsonAsync("/api/v1/clients", new { name = "Terms test " + Guid.NewGuid().ToString("N")[..8], hourlyRate = 160m }, Ct);
        var client = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var clientId = client.GetProperty("id").GetGuid();
        var ticket = await (await http.PostAsJsonAsync("/api/v1/tickets", new { clientId, subject = "Server patching overran", technician = "Alex Tech" }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct);
        var ticketId = ticket.GetProperty("id").GetGuid();
        (await http.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/time-entries", new { technician = "Alex Tech", workDate = Day(Today), minutes = 80 }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        (await http.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/close", new { billingClass = "Billable" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // 80 minutes in 15-minute steps: 1.5 h.
        var quarter = await http.PutAsJsonAsync($"/api/v1/clients/{clientId}/agreement", new { timeIncrementMinutes = 15, ticketMinimumMinutes = 0, reason = "Contract" }, Ct);
        quarter.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await quarter.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("timeIncrementMinutes").GetInt32().ShouldBe(15);
        (await http.PostAsync($"/api/v1/billing-runs/{Period}/refresh", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ticketLine = TicketLine(await InvoiceOfAsync(http, clientId), ticketId);
        ticketLine.GetProperty("quantity").GetDecimal().ShouldBe(1.5m);
        ticketLine.GetProperty("amount").GetDecimal().ShouldBe(240.00m);

        // The same 80 minutes in whole hours: 2 h.
        var hourly = await http.PutAsJsonAsync($"/api/v1/clients/{clientId}/agreement", new { timeIncrementMinutes = 60, ticketMinimumMinutes = 0, reason = "Hourly contract" }, Ct);
        var terms = await hourly.Content.ReadFromJsonAsync<JsonElement>(Ct);
        terms.GetProperty("timeIncrementMinutes").GetInt32().ShouldBe(60);
        terms.GetProperty("overrides").GetProperty("timeIncrementMinutes").GetInt32().ShouldBe(60);
        terms.GetProperty("overrides").GetProperty("paymentTermsDays").ValueKind.ShouldBe(JsonValueKind.Null);
        (await http.PostAsync($"/api/v1/billing-runs/{Period}/refresh", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        ticketLine = TicketLine(await InvoiceOfAsync(http, clientId), ticketId);
        ticketLine.GetProperty("quantity").GetDecimal().ShouldBe(2m);
        ticketLine.GetProperty("amount").GetDecimal().ShouldBe(320.00m);

        // Cleared overrides follow the tenant's settings again; bad values are refused by field.
        var cleared = await (await http.PutAsJsonAsync($"/api/v1/clients/{clientId}/agreement", new { timeIncrementMinutes = (int?)null }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var settings = await http.GetFromJsonAsync<JsonElement>("/api/v1/billing-settings", Ct);
        cleared.GetProperty("timeIncrementMinutes").GetInt32().ShouldBe(settings.GetProperty("timeIncrementMinutes").GetInt32());
        cleared.GetProperty("overrides").GetProperty("timeIncrementMinutes").ValueKind.ShouldBe(JsonValueKind.Null);
        var bad = await ErrorsOfAsync(await http.PutAsJsonAsync($"/api/v1/clients/{clientId}/agreement", new { timeIncrementMinutes = 0, paymentTermsDays = 400 }, Ct));
        bad.Keys.ShouldBe(["timeIncrementMinutes", "paymentTermsDays"], ignoreOrder: true);
        using var other = app.ApiClient(DemoSeeder.OtherApiKey);
        (await other.PutAsJsonAsync($"/api/v1/clients/{clientId}/agreement", new { timeIncrementMinutes = 30 }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    /// <summary>The demo's syncs have landed and last month is posted (so this month has a diff and a locked previous month).</summary>
    private Task DemoReadyAsync() => DemoReady.HistoryAsync(app, Ct);

    /// <summary>A demo client that has an invoice this month (optionally one that follows the tenant's payment terms).</summary>
    private static async Task<Guid> FirstClientAsync(HttpClient http, bool withoutOwnPaymentTerms = false)
    {
        var run = await http.GetFromJsonAsync<JsonElement>($"/api/v1/billing-runs/{Period}?pageSize=1000", Ct);
        foreach (var invoice in run.GetProperty("invoices").GetProperty("items").EnumerateArray().Where(i => i.GetProperty("status").GetString() == "draft"))
        {
            var clientId = invoice.GetProperty("clientId").GetGuid();
            if (!withoutOwnPaymentTerms)
            {
                return clientId;
            }

            var terms = await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/agreement", Ct);
            if (terms.GetProperty("overrides").GetProperty("paymentTermsDays").ValueKind == JsonValueKind.Null)
            {
                return clientId;
            }
        }

        throw new InvalidOperationException("No demo client fits.");
    }

    private static async Task<JsonElement> InvoiceOfAsync(HttpClient http, Guid clientId)
    {
        var run = await http.GetFromJsonAsync<JsonElement>($"/api/v1/billing-runs/{Period}?pageSize=1000", Ct);
        return run.GetProperty("invoices").GetProperty("items").EnumerateArray().Single(i => i.GetProperty("clientId").GetGuid() == clientId);
    }

    private static JsonElement TicketLine(JsonElement invoice, Guid ticketId) =>
        invoice.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("key").GetString() == $"ticket:{ticketId:N}");

    private static int DueDays(JsonElement invoice) =>
        DateOnly.Parse(invoice.GetProperty("dueDate").GetString()!, CultureInfo.InvariantCulture).DayNumber
        - DateOnly.Parse(invoice.GetProperty("invoiceDate").GetString()!, CultureInfo.InvariantCulture).DayNumber;

    /// <summary>The settings as read, with some fields replaced (a PUT takes the whole document).</summary>
    private static Dictionary<string, object?> With(JsonElement settings, params (string Name, object? Value)[] changes)
    {
        var body = settings.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
        foreach (var (name, value) in changes)
        {
            body[name] = value;
        }

        return body;
    }

    private static async Task<Dictionary<string, string[]>> ErrorsOfAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return body.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(m => m.GetString()!).ToArray());
    }
}
