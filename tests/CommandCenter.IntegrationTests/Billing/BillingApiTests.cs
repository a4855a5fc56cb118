using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Persistence;
using CommandCenter.Simulators.World;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Billing;

/// <summary>The month's workflow through the REST API, on the demo tenant with last month posted.</summary>
public sealed class BillingApiTests(AppFactory app, ITestOutputHelper output) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Period => TimeProvider.System.GetUtcNow().UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private SimulatorWorld World => app.Services.GetRequiredService<SimulatorWorld>();

    [Fact]
    public async Task GetRun_Demo_ShowsEveryInvoiceWithItsDiffAgainstThePostedMonthAndHoldsTheDrop()
    {
        using var http = await ReadyAsync();

        var run = await RunAsync(http);

        var invoices = Invoices(run);
        invoices.Count.ShouldBe(DemoSeeder.DemoClientCount);
        run.GetProperty("status").GetString().ShouldBe("open");
        var totals = run.GetProperty("totals");
        totals.GetProperty("invoices").GetInt32().ShouldBe(DemoSeeder.DemoClientCount);
        totals.GetProperty("total").GetDecimal().ShouldBe(invoices.Sum(i => i.GetProperty("total").GetDecimal()));
        totals.GetProperty("previousTotal").ValueKind.ShouldBe(JsonValueKind.Number);
        totals.GetProperty("change").GetDecimal().ShouldBe(totals.GetProperty("total").GetDecimal() - totals.GetProperty("previousTotal").GetDecimal());
        foreach (var invoice in invoices)
        {
            // Totals are sums of lines rounded once each; excluded and removed lines bill nothing.
            invoice.GetProperty("total").GetDecimal().ShouldBe(invoice.GetProperty("lines").EnumerateArray().Where(l => !l.GetProperty("excluded").GetBoolean()).Sum(l => l.GetProperty("amount").GetDecimal()));
        }

        var lines = invoices.SelectMany(i => i.GetProperty("lines").EnumerateArray().Select(l => (Invoice: i, Line: l))).ToList();
        var added = lines.First(x => x.Line.GetProperty("change").GetString() == "up" && x.Line.GetProperty("provenance").GetProperty("added").GetArrayLength() > 0);
        var names = added.Line.GetProperty("provenance").GetProperty("added").EnumerateArray().Select(n => n.GetString()!).ToList();
        added.Line.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ShouldContain(r => r!.StartsWith($"+{names.Count} ", StringComparison.Ordinal) && names.All(n => r.Contains(n, StringComparison.Ordinal)));
        added.Line.GetProperty("provenance").GetProperty("evidence").EnumerateArray().Select(e => e.GetString()).ShouldContain(names[0]);

        var zero = lines.Single(x => x.Line.GetProperty("flags").EnumerateArray().Any(f => f.GetProperty("kind").GetString() == "drop") && x.Line.GetProperty("quantity").GetDecimal() == 0);
        zero.Line.GetProperty("change").GetString().ShouldBe("down");
        zero.Line.GetProperty("needsDecision").GetBoolean().ShouldBeTrue();
        zero.Line.GetProperty("flags")[0].GetProperty("message").GetString()!.ShouldContain("to 0");
        zero.Invoice.GetProperty("openFlags").GetInt32().ShouldBeGreaterThan(0);

        var prorated = lines.Single(x => x.Line.GetProperty("reasons").EnumerateArray().Any(r => r.GetString()!.StartsWith("Prorated", StringComparison.Ordinal)) && x.Line.GetProperty("kind").GetString() == "recurring");
        var p = prorated.Line.GetProperty("provenance");
        var days = p.GetProperty("daysActive").GetInt32();
        var inPeriod = p.GetProperty("daysInPeriod").GetInt32();
        // amount = unit price × quantity × days active / days in period, rounded to cents once.
        prorated.Line.GetProperty("amount").GetDecimal().ShouldBe(decimal.Round(prorated.Line.GetProperty("unitPrice").GetDecimal() * prorated.Line.GetProperty("quantity").GetDecimal() * days / inPeriod, 2, MidpointRounding.AwayFromZero));
    }

    [Fact]
    public async Task Refresh_NothingChanged_AnswersQuicklyAndKeepsEveryTotal()
    {
        using var http = await ReadyAsync();
        var before = await RunAsync(http);

        var watch = Stopwatch.StartNew();
        var response = await http.PostAsync($"/api/v1/billing-runs/{Period}/refresh", null, Ct);
        watch.Stop();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        output.WriteLine($"Refresh of {DemoSeeder.DemoClientCount} invoices: {body.GetProperty("elapsedMs").GetInt64()} ms on the server, {watch.ElapsedMilliseconds} ms round trip");
        body.GetProperty("totals").GetProperty("total").GetDecimal().ShouldBe(before.GetProperty("totals").GetProperty("total").GetDecimal());
        body.GetProperty("version").GetInt64().ShouldBeGreaterThan(before.GetProperty("version").GetInt64());
        DateTime.Parse(body.GetProperty("refreshedUtc").GetString()!, CultureInfo.InvariantCulture).ShouldBeGreaterThan(DateTime.Parse(before.GetProperty("refreshedUtc").GetString()!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Approve_FlaggedInvoice_IsHeldUntilTheFlagIsDecidedWithAReason()
    {
        using var http = await ReadyAsync();
        // Not the count that fell to zero: another test reads that one undecided.
        var invoice = Invoices(await RunAsync(http)).First(i => i.GetProperty("lines").EnumerateArray().Any(l => l.GetProperty("needsDecision").GetBoolean() && l.GetProperty("quantity").GetDecimal() != 0));
        var invoiceId = invoice.GetProperty("id").GetGuid();
        var flagged = invoice.GetProperty("lines").EnumerateArray().First(l => l.GetProperty("needsDecision").GetBoolean() && l.GetProperty("quantity").GetDecimal() != 0);
        var key = flagged.GetProperty("key").GetString();

        var refused = await (await http.PostAsJsonAsync($"/api/v1/billing-runs/{Period}/approve", new { invoiceIds = new[] { invoiceId } }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        refused.GetProperty("approved").GetInt32().ShouldBe(0);
        refused.GetProperty("skipped")[0].GetProperty("reason").GetString()!.ShouldContain("flagged line");

        var noReason = await http.PostAsJsonAsync($"/api/v1/billing-runs/{Period}/invoices/{invoiceId}/adjustments", new { lineKey = key, decision = "accept" }, Ct);
        noReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noReason.Content.ReadAsStringAsync(Ct)).ShouldContain("reason");

        var decided = await http.PostAsJsonAsync($"/api/v1/billing-runs/{Period}/invoices/{invoiceId}/adjustments",
            new { lineKey = key, decision = "accept", reason = "Checked with the client: seats moved to another tenant" }, Ct);
        decided.StatusCode.ShouldBe(HttpStatusCode.OK);
        var after = await decided.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var line = after.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("key").GetString() == key);
        line.GetProperty("decision").GetString().ShouldBe("accept");
        line.GetProperty("needsDecision").GetBoolean().ShouldBeFalse();
        after.GetProperty("openFlags").GetInt32().ShouldBe(invoice.GetProperty("openFlags").GetInt32() - 1);

        if (after.GetProperty("openFlags").GetInt32() == 0)
        {
            var approved = await (await http.PostAsJsonAsync($"/api/v1/billing-runs/{Period}/approve", new { invoiceIds = new[] { invoiceId } }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
            approved.GetProperty("approved").GetInt32().ShouldBe(1);
            var locked = await http.PostAsJsonAsync($"/api/v1/billing-runs/{Period}/invoices/{invoiceId}/adjustments", new { lineKey = key, quantity = 3, reason = "late change" }, Ct);
            locked.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        }

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        var audit = await db.AuditEntries.IgnoreQueryFilters() // the test reads across the tenant filter: it has no tenant
            .Where(a => a.Action == "billing.flag-decided" && a.EntityId == invoiceId.ToString()).ToListAsync(Ct);
        audit.ShouldHaveSingleItem().Reason.ShouldBe("Checked with the client: seats moved to another tenant");
    }

    [Fact]
    public async Task Adjust_QuantityOfAManualLine_RecomputesTheAmountAndSurvivesARefresh()
    {
        using var http = await ReadyAsync();
        var (invoice, line) = Invoices(await RunAsync(http))
            .Where(i => i.GetProperty("status").GetString() == "draft" && i.GetProperty("openFlags").GetInt32() == 0)
            .SelectMany(i => i.GetProperty("lines").EnumerateArray().Select(l => (i, l)))
            .First(x => x.l.GetProperty("provenance").GetProperty("source").GetString() == "Manual quantity" && x.l.GetProperty("provenance").GetProperty("daysActive").GetInt32() == x.l.GetProperty("provenance").GetProperty("daysInPeriod").GetInt32());
        var invoiceId = invoice.GetProperty("id").GetGuid();
        var key = line.GetProperty("key").GetString();
        var quantity = line.GetProperty("quantity").GetDecimal() + 2;
        var price = line.GetProperty("unitPrice").GetDecimal();

        var adjusted = await http.PostAsJsonAsync($"/api/v1/billing-runs/{Period}/invoices/{invoiceId}/adjustments", new { lineKey = key, quantity, reason = "Two mailboxes added on the 20th" }, Ct);
        adjusted.StatusCode.ShouldBe(HttpStatusCode.OK);
        await http.PostAsync($"/api/v1/billing-runs/{Period}/refresh", null, Ct);

        var after = Invoices(await RunAsync(http)).Single(i => i.GetProperty("id").GetGuid() == invoiceId);
        var l = after.GetProperty("lines").EnumerateArray().Single(x => x.GetProperty("key").GetString() == key);
        l.GetProperty("quantity").GetDecimal().ShouldBe(quantity);
        l.GetProperty("amount").GetDecimal().ShouldBe(decimal.Round(quantity * price, 2, MidpointRounding.AwayFromZero));
        l.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ShouldContain(r => r!.Contains("Manual override", StringComparison.Ordinal) && r.Contains("Two mailboxes added on the 20th", StringComparison.Ordinal));
        after.GetProperty("total").GetDecimal().ShouldBe(invoice.GetProperty("total").GetDecimal() + decimal.Round(2 * price, 2, MidpointRounding.AwayFromZero));
    }

    [Fact]
    public async Task Sync_WithANewWorkstation_UpdatesTheDraftWithoutARefresh_AndOnlyFlagsTheApprovedInvoice()
    {
        using var http = await ReadyAsync();
        var run = await RunAsync(http);
        var candidates = Invoices(run)
            .Where(i => i.GetProperty("status").GetString() == "draft" && i.GetProperty("openFlags").GetInt32() == 0 && WorkstationLine(i) is not null)
            .Select(i => (Invoice: i, Company: World.Companies.SingleOrDefault(c => c.ClientName == i.GetProperty("clientName").GetString())))
            .Where(x => x.Company is not null)
            .TakeLast(2).ToList();
        candidates.Count.ShouldBe(2);
        var (draft, draftCompany) = candidates[0];
        var (approved, approvedCompany) = candidates[1];
        var approvedId = approved.GetProperty("id").GetGuid();
        (await (await http.PostAsJsonAsync($"/api/v1/billing-runs/{Period}/approve", new { invoiceIds = new[] { approvedId } }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct))
            .GetProperty("approved").GetInt32().ShouldBe(1);
        var draftQuantity = WorkstationLine(draft)!.Value.GetProperty("quantity").GetDecimal();
        var approvedQuantity = WorkstationLine(approved)!.Value.GetProperty("quantity").GetDecimal();

        var device = World.AddDevice(draftCompany!.NinjaOneOrganizationId, withHuntressAgent: false);
        World.AddDevice(approvedCompany!.NinjaOneOrganizationId, withHuntressAgent: false);
        var ninja = await ConnectionIdAsync(http, "ninjaone");
        var synced = await http.PostAsync($"/api/v1/vendor-connections/{ninja}/sync?wait=true", null, Ct);
        synced.StatusCode.ShouldBe(HttpStatusCode.OK);
        var watch = Stopwatch.StartNew();

        JsonElement updated;
        while (true)
        {
            updated = await RunAsync(http);
            var line = WorkstationLine(Invoices(updated).Single(i => i.GetProperty("id").GetGuid() == draft.GetProperty("id").GetGuid()))!.Value;
            if (line.GetProperty("quantity").GetDecimal() != draftQuantity)
            {
                line.GetProperty("quantity").GetDecimal().ShouldBe(draftQuantity + 1);
                line.GetProperty("provenance").GetProperty("evidence").EnumerateArray().Select(e => e.GetString()).ShouldContain(device.SystemName);
                break;
            }

            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "the landed sync should update the open draft without a refresh");
            await Task.Delay(100, Ct);
        }

        output.WriteLine($"Draft updated {watch.ElapsedMilliseconds} ms after the sync returned");
        var stillApproved = Invoices(updated).Single(i => i.GetProperty("id").GetGuid() == approvedId);
        stillApproved.GetProperty("status").GetString().ShouldBe("approved");
        WorkstationLine(stillApproved)!.Value.GetProperty("quantity").GetDecimal().ShouldBe(approvedQuantity);
        stillApproved.GetProperty("newerCountsAvailable").GetBoolean().ShouldBeTrue();

        // Un-approving takes the newer counts.
        (await http.PostAsJsonAsync($"/api/v1/billing-runs/{Period}/invoices/{approvedId}/unapprove", new { reason = "take the new machine" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var retaken = Invoices(await RunAsync(http)).Single(i => i.GetProperty("id").GetGuid() == approvedId);
        retaken.GetProperty("status").GetString().ShouldBe("draft");
        WorkstationLine(retaken)!.Value.GetProperty("quantity").GetDecimal().ShouldBe(approvedQuantity + 1);
    }

    [Fact]
    public async Task OtherTenant_SeesOnlyItsOwnRun_AndCannotTouchTheDemoTenantsInvoices()
    {
        using var demo = await ReadyAsync();
        var demoInvoice = Invoices(await RunAsync(demo))[0];
        using var other = app.ApiClient(DemoSeeder.OtherApiKey);

        var otherRun = await (await other.GetAsync($"/api/v1/billing-runs/{Period}", Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Invoices(otherRun).Count.ShouldBe(DemoSeeder.OtherClientCount);
        Invoices(otherRun).ShouldAllBe(i => i.GetProperty("clientId").GetGuid() != demoInvoice.GetProperty("clientId").GetGuid());

        var adjust = await other.PostAsJsonAsync($"/api/v1/billing-runs/{Period}/invoices/{demoInvoice.GetProperty("id").GetGuid()}/adjustments",
            new { lineKey = demoInvoice.GetProperty("lines")[0].GetProperty("key").GetString(), quantity = 1, reason = "x" }, Ct);
        adjust.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ClientListAndLines_AfterASyncAddsAWorkstation_ValueTheVendorLineAtTheNewCount()
    {
        using var http = await ReadyAsync();
        // A client whose recurring lines all run the whole month, unadjusted (another test adjusts one) and unflagged, and whose workstation line
        // bills exactly what is counted (no included units or minimum in the way).
        var invoice = Invoices(await RunAsync(http)).First(i =>
            i.GetProperty("openFlags").GetInt32() == 0 && i.GetProperty("status").GetString() == "draft"
            && World.Companies.Any(c => c.ClientName == i.GetProperty("clientName").GetString())
            && i.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("kind").GetString() == "recurring").ToList() is { Count: > 0 } recurring
            && recurring.All(l => l.GetProperty("decision").ValueKind == JsonValueKind.Null && l.GetProperty("change").GetString() != "removed"
                && !l.GetProperty("reasons").EnumerateArray().Any(r => r.GetString()!.StartsWith("Manual override", StringComparison.Ordinal))
                && l.GetProperty("provenance").GetProperty("daysActive").GetInt32() == l.GetProperty("provenance").GetProperty("daysInPeriod").GetInt32())
            && WorkstationLine(i) is { } ws && ws.GetProperty("quantity").GetDecimal() == ws.GetProperty("provenance").GetProperty("count").GetDecimal());
        var clientId = invoice.GetProperty("clientId").GetGuid();
        var name = invoice.GetProperty("clientName").GetString()!;
        var price = WorkstationLine(invoice)!.Value.GetProperty("unitPrice").GetDecimal();
        var before = await MonthlyRecurringAsync(http, clientId, name);
        before.ShouldBe(RecurringTotal(invoice));

        World.AddDevice(World.Companies.Single(c => c.ClientName == name).NinjaOneOrganizationId, withHuntressAgent: false);
        (await http.PostAsync($"/api/v1/vendor-connections/{await ConnectionIdAsync(http, "ninjaone")}/sync?wait=true", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var after = await MonthlyRecurringAsync(http, clientId, name);
        after.ShouldBe(before + price);
        await http.PostAsync($"/api/v1/billing-runs/{Period}/refresh", null, Ct);
        var refreshed = Invoices(await RunAsync(http)).Single(i => i.GetProperty("clientId").GetGuid() == clientId);
        after.ShouldBe(RecurringTotal(refreshed));

        // The client's lines report the same: the vendor line bills the new count.
        var key = WorkstationLine(refreshed)!.Value.GetProperty("key").GetString()!;
        var lines = await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/lines", Ct);
        var ws = lines.GetProperty("items").EnumerateArray().Single(l => $"line:{l.GetProperty("id").GetGuid():N}" == key);
        ws.GetProperty("quantitySource").GetProperty("kind").GetString().ShouldBe("vendor");
        ws.GetProperty("billedQuantity").GetDecimal().ShouldBe(WorkstationLine(refreshed)!.Value.GetProperty("quantity").GetDecimal());
        ws.GetProperty("monthlyAmount").GetDecimal().ShouldBe(WorkstationLine(refreshed)!.Value.GetProperty("amount").GetDecimal());
    }

    private static decimal RecurringTotal(JsonElement invoice) =>
        invoice.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("kind").GetString() == "recurring").Sum(l => l.GetProperty("amount").GetDecimal());

    private static async Task<decimal> MonthlyRecurringAsync(HttpClient http, Guid clientId, string name)
    {
        var list = await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients?search={Uri.EscapeDataString(name)}", Ct);
        return list.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == clientId).GetProperty("monthlyRecurring").GetDecimal();
    }

    /// <summary>Acceptance: a ticket closed as Billable grows that client's T&amp;M by exactly what billing-rules.md gives.</summary>
    [Fact]
    public async Task CloseTicketAsBillable_ThenRefresh_GrowsTheInvoiceByRoundedHoursTimesTheClientsRate()
    {
        using var http = await ReadyAsync();
        var invoice = Invoices(await RunAsync(http)).First(i => i.GetProperty("status").GetString() == "draft");
        var clientId = invoice.GetProperty("clientId").GetGuid();
        var client = await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}", Ct);
        var rate = client.GetProperty("hourlyRate").GetDecimal();
        var created = await http.PostAsJsonAsync("/api/v1/tickets", new { clientId, subject = "Laptop will not dock", technician = "Alex Tech" }, Ct);
        var ticketId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var today = TimeProvider.System.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        (await http.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/time-entries", new { technician = "Alex Tech", workDate = today, minutes = 50 }, Ct)).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/time-entries", new { technician = "Alex Tech", workDate = today, minutes = 30 }, Ct)).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/close", new { billingClass = "Billable" }, Ct)).EnsureSuccessStatusCode();

        (await http.PostAsync($"/api/v1/billing-runs/{Period}/refresh", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var after = Invoices(await RunAsync(http)).Single(i => i.GetProperty("clientId").GetGuid() == clientId);
        var line = after.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("key").GetString() == $"ticket:{ticketId:N}");
        // 50 + 30 = 80 min, rounded up to the demo's 15-minute increment = 90 min = 1.5 h × the client's rate.
        var expected = decimal.Round(1.5m * rate, 2, MidpointRounding.AwayFromZero);
        line.GetProperty("quantity").GetDecimal().ShouldBe(1.5m);
        line.GetProperty("unitPrice").GetDecimal().ShouldBe(rate);
        line.GetProperty("amount").GetDecimal().ShouldBe(expected);
        after.GetProperty("total").GetDecimal().ShouldBe(invoice.GetProperty("total").GetDecimal() + expected);
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("november")]
    [InlineData("2026-1")]
    public async Task GetRun_MalformedPeriod_Answers400NamingTheFormat(string period)
    {
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);

        var response = await http.GetAsync($"/api/v1/billing-runs/{period}", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(Ct)).ShouldContain("YYYY-MM");
    }

    [Fact]
    public async Task PreviewCsv_HasALinePerInvoiceLineAndATotalPerInvoice()
    {
        using var http = await ReadyAsync();
        var run = await RunAsync(http);

        var csv = await http.GetStringAsync($"/api/v1/billing-runs/{Period}/preview.csv", Ct);

        var rows = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        rows[0].ShouldStartWith("Period,Client,Invoice status,Line");
        var invoices = Invoices(run);
        rows.Length.ShouldBe(1 + invoices.Sum(i => i.GetProperty("lines").GetArrayLength() + 1));
        rows.Count(r => r.Contains(",Total,total,", StringComparison.Ordinal) || r.Contains(",Total (credit memo),total,", StringComparison.Ordinal)).ShouldBe(invoices.Count);
    }

    private async Task<HttpClient> ReadyAsync()
    {
        await app.WaitForFirstSyncsAsync(Ct);
        await app.Services.GetRequiredService<DemoBillingHistory>().Ready.WaitAsync(TimeSpan.FromMinutes(2), Ct);
        return app.ApiClient(DemoSeeder.DemoApiKey);
    }

    private static async Task<JsonElement> RunAsync(HttpClient http)
    {
        var response = await http.GetAsync($"/api/v1/billing-runs/{Period}?pageSize=1000", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static List<JsonElement> Invoices(JsonElement run) => [.. run.GetProperty("invoices").GetProperty("items").EnumerateArray()];

    private static JsonElement? WorkstationLine(JsonElement invoice) =>
        invoice.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("provenance").GetProperty("metric").GetString() == "workstations").Cast<JsonElement?>().FirstOrDefault();

    private static async Task<Guid> ConnectionIdAsync(HttpClient http, string kind)
    {
        var body = await http.GetFromJsonAsync<JsonElement>("/api/v1/vendor-connections", Ct);
        return body.GetProperty("items").EnumerateArray().First(c => c.GetProperty("kind").GetString() == kind).GetProperty("id").GetGuid();
    }
}
