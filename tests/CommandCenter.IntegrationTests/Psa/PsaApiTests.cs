using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Psa;

public sealed class PsaApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly Today => DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Period(DateOnly d) => d.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Batch_OfThousandWithFiveInvalid_Stores995AndAnswersTheFive_ThePostedAgainStoresNothing()
    {
        using var http = app.ApiClient(DemoSeeder.OtherApiKey);
        var clientId = await CreateClientAsync(http, 150m);
        var tickets = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            tickets.Add(await CreateTicketAsync(http, clientId, $"Batch ticket {i}"));
        }

        var prefix = "batch-" + Guid.NewGuid().ToString("N")[..8] + "-";
        var entries = Enumerable.Range(0, 1000).Select(i => new Dictionary<string, object?>
        {
            ["externalId"] = prefix + i,
            ["ticketId"] = tickets[i % 3],
            ["technician"] = "Alex Tech",
            ["workDate"] = Day(Today.AddDays(-(i % 30))),
            ["minutes"] = 15 + (i % 4) * 15,
            ["notes"] = $"Work item {i}",
        }).ToList();
        entries[100]["minutes"] = 0;
        entries[200].Remove("technician");
        entries[300]["ticketId"] = Guid.NewGuid();
        entries[400]["workDate"] = Day(Today.AddDays(10));
        entries[500]["externalId"] = prefix + 499;
        var batch = new { entries };

        var first = await http.PostAsJsonAsync("/api/v1/time-entries/batch", batch, Ct);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await first.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("created").GetInt32().ShouldBe(995);
        body.GetProperty("duplicates").GetInt32().ShouldBe(0);
        body.GetProperty("invalid").GetInt32().ShouldBe(5);
        var items = body.GetProperty("items").EnumerateArray().ToList();
        items.Count.ShouldBe(1000);
        var invalid = items.Where(i => i.GetProperty("status").GetString() == "invalid").ToDictionary(i => i.GetProperty("index").GetInt32());
        invalid.Keys.Order().ShouldBe([100, 200, 300, 400, 500]);
        Errors(invalid[100]).ShouldContainKey("minutes");
        Errors(invalid[200])["technician"].ShouldContain("Technician is required.");
        Errors(invalid[300])["ticketId"].ShouldContain("No such ticket.");
        Errors(invalid[400])["workDate"].ShouldContain("Time cannot be logged for a future day.");
        Errors(invalid[500])["externalId"].Single().ShouldContain("appears twice in this batch");
        invalid[500].GetProperty("externalId").GetString().ShouldBe(prefix + 499);
        invalid.Values.ShouldAllBe(i => i.GetProperty("timeEntryId").ValueKind == JsonValueKind.Null);
        items.Where(i => i.GetProperty("status").GetString() == "created")
            .ShouldAllBe(i => i.GetProperty("timeEntryId").ValueKind == JsonValueKind.String && i.GetProperty("errors").ValueKind == JsonValueKind.Null);
        (await CountEntriesAsync(prefix)).ShouldBe(995);

        var again = await (await http.PostAsJsonAsync("/api/v1/time-entries/batch", batch, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);

        again.GetProperty("created").GetInt32().ShouldBe(0);
        again.GetProperty("duplicates").GetInt32().ShouldBe(995);
        again.GetProperty("invalid").GetInt32().ShouldBe(5);
        again.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("status").GetString() == "invalid").Select(i => i.GetProperty("index").GetInt32())
            .ShouldBe([100, 200, 300, 400, 500]);
        // A duplicate answers the entry stored the first time.
        var firstIds = items.Where(i => i.GetProperty("status").GetString() == "created").ToDictionary(i => i.GetProperty("index").GetInt32(), i => i.GetProperty("timeEntryId").GetGuid());
        again.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("status").GetString() == "duplicate")
            .ShouldAllBe(i => firstIds[i.GetProperty("index").GetInt32()] == i.GetProperty("timeEntryId").GetGuid());
        (await CountEntriesAsync(prefix)).ShouldBe(995);
    }

    [Fact]
    public async Task Batch_MalformedField_FailsThatEntryOnly_BadBodiesAnswer400()
    {
        using var http = app.ApiClient(DemoSeeder.OtherApiKey);
        var clientId = await CreateClientAsync(http, 100m);
        var ticketId = await CreateTicketAsync(http, clientId, "Malformed batch");
        var prefix = "mal-" + Guid.NewGuid().ToString("N")[..8] + "-";
        var json = $$"""
            { "entries": [
              { "externalId": "{{prefix}}0", "ticketId": "{{ticketId}}", "technician": "Sam", "workDate": "{{Day(Today)}}", "minutes": "abc" },
              { "externalId": "{{prefix}}1", "ticketId": "{{ticketId}}", "technician": "Sam", "workDate": "{{Day(Today)}}", "minutes": 30, "billingClass": "Bogus" },
              { "externalId": "{{prefix}}2", "ticketId": "not-a-guid", "technician": "Sam", "workDate": "01/02/2026", "minutes": 30 },
              42,
              { "externalId": "{{prefix}}4", "ticketId": "{{ticketId}}", "technician": "Sam", "workDate": "{{Day(Today)}}", "minutes": 30, "billingClass": "billable" }
            ] }
            """;

        var response = await http.PostAsync("/api/v1/time-entries/batch", new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("created").GetInt32().ShouldBe(1);
        body.GetProperty("invalid").GetInt32().ShouldBe(4);
        var items = body.GetProperty("items").EnumerateArray().ToList();
        Errors(items[0])["minutes"].Single().ShouldContain("whole number");
        Errors(items[1])["billingClass"].Single().ShouldContain("Unknown billing class");
        Errors(items[2]).Keys.ShouldBe(["ticketId", "workDate"], ignoreOrder: true);
        Errors(items[3]).ShouldContainKey("entry");
        items[4].GetProperty("status").GetString().ShouldBe("created");
        var ticket = await http.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{ticketId}", Ct);
        ticket.GetProperty("entries").EnumerateArray().Single().GetProperty("billingClass").GetString().ShouldBe("Billable");

        (await http.PostAsync("/api/v1/time-entries/batch", new StringContent("{ \"entries\": [ { ", Encoding.UTF8, "application/json"), Ct))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await http.PostAsJsonAsync("/api/v1/time-entries/batch", new { entries = "none" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await http.PostAsJsonAsync("/api/v1/time-entries/batch", new { entries = Array.Empty<object>() }, Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var tooMany = await http.PostAsJsonAsync("/api/v1/time-entries/batch", new { entries = Enumerable.Range(0, 5001).Select(i => new { externalId = $"{prefix}x{i}" }) }, Ct);
        tooMany.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await tooMany.Content.ReadAsStringAsync(Ct)).ShouldContain("at most 5,000");
    }

    [Fact]
    public async Task Close_WithoutClassIsRefused_Billable_ClosesAndTheUsageViewBillsRoundedHoursTimesRate()
    {
        using var http = app.ApiClient(DemoSeeder.OtherApiKey);
        var clientId = await CreateClientAsync(http, 150m);
        var ticketId = await CreateTicketAsync(http, clientId, "Printer on fire");
        var added = await http.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/time-entries", new { technician = "Alex Tech", workDate = Day(Today), minutes = 50, notes = "Diagnosed" }, Ct);
        added.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await added.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("billingClass").ValueKind.ShouldBe(JsonValueKind.Null);
        (await http.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/time-entries", new { technician = "Alex Tech", workDate = Day(Today), minutes = 30 }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        var noBody = await http.PostAsync($"/api/v1/tickets/{ticketId}/close", null, Ct);
        var noClass = await http.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/close", new { }, Ct);
        var unknown = await http.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/close", new { billingClass = "Freebie" }, Ct);

        noBody.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        noClass.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Errors(await noClass.Content.ReadFromJsonAsync<JsonElement>(Ct))["billingClass"].Single().ShouldStartWith("Choose a billing class to close the ticket");
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Errors(await unknown.Content.ReadFromJsonAsync<JsonElement>(Ct))["billingClass"].Single().ShouldContain("Unknown billing class 'Freebie'");
        var stillOpen = await http.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{ticketId}", Ct);
        stillOpen.GetProperty("status").GetString().ShouldBe("open");
        var openUsage = await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/usage/{Period(Today)}", Ct);
        openUsage.GetProperty("openMinutes").GetInt32().ShouldBe(80);
        openUsage.GetProperty("billableTickets").GetArrayLength().ShouldBe(0);

        var closed = await http.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/close", new { billingClass = "Billable" }, Ct);

        closed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var ticket = await closed.Content.ReadFromJsonAsync<JsonElement>(Ct);
        ticket.GetProperty("status").GetString().ShouldBe("closed");
        ticket.GetProperty("billingClass").GetString().ShouldBe("Billable");
        ticket.GetProperty("minutes").GetInt32().ShouldBe(80);
        ticket.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("billingClass").GetString()).ShouldBe(["Billable", "Billable"]);
        var closedList = await http.GetFromJsonAsync<JsonElement>($"/api/v1/tickets?clientId={clientId}&status=closed", Ct);
        closedList.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid().ShouldBe(ticketId);
        (await http.GetFromJsonAsync<JsonElement>($"/api/v1/tickets?clientId={clientId}&status=open", Ct)).GetProperty("total").GetInt32().ShouldBe(0);
        var again = await http.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/close", new { billingClass = "Included" }, Ct);
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);

        var usage = await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/usage/{Period(Today)}", Ct);

        // 80 min → rounded up to the 15-minute increment → 90 min = 1.5 h × 150.00 = 225.00.
        var billable = usage.GetProperty("billableTickets").EnumerateArray().Single();
        billable.GetProperty("ticketId").GetGuid().ShouldBe(ticketId);
        billable.GetProperty("minutes").GetInt32().ShouldBe(80);
        billable.GetProperty("roundedMinutes").GetInt32().ShouldBe(90);
        billable.GetProperty("roundedHours").GetDecimal().ShouldBe(1.5m);
        billable.GetProperty("rate").GetDecimal().ShouldBe(150m);
        billable.GetProperty("amount").GetDecimal().ShouldBe(225.00m);
        usage.GetProperty("billableAmount").GetDecimal().ShouldBe(225.00m);
        usage.GetProperty("billableHours").GetDecimal().ShouldBe(1.5m);
        usage.GetProperty("byClass").EnumerateArray().Single(c => c.GetProperty("billingClass").GetString() == "Billable").GetProperty("minutes").GetInt32().ShouldBe(80);
        usage.GetProperty("openMinutes").GetInt32().ShouldBe(0);
        usage.GetProperty("blocks").ValueKind.ShouldBe(JsonValueKind.Null);

        // Re-classifying one entry needs a reason and is reflected in the view.
        var entryId = ticket.GetProperty("entries")[1].GetProperty("id").GetGuid();
        (await http.PutAsJsonAsync($"/api/v1/time-entries/{entryId}/billing-class", new { billingClass = "NonBillable" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await http.PutAsJsonAsync($"/api/v1/time-entries/{entryId}/billing-class", new { billingClass = "nonbillable", reason = "Our mistake" }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var after = await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/usage/{Period(Today)}", Ct);
        after.GetProperty("billableTickets").EnumerateArray().Single().GetProperty("roundedMinutes").GetInt32().ShouldBe(60);
        after.GetProperty("billableAmount").GetDecimal().ShouldBe(150.00m);
    }

    [Fact]
    public async Task Requests_BadPeriodStatusOrTicket_Answer400()
    {
        using var http = app.ApiClient(DemoSeeder.OtherApiKey);
        var clientId = await CreateClientAsync(http, 100m);

        var period = await http.GetAsync($"/api/v1/clients/{clientId}/usage/2026-13", Ct);
        period.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Errors(await period.Content.ReadFromJsonAsync<JsonElement>(Ct)).ShouldContainKey("period");
        (await http.GetAsync($"/api/v1/clients/{clientId}/usage/September", Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await http.GetAsync($"/api/v1/clients/{Guid.NewGuid()}/usage/{Period(Today)}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await http.GetAsync("/api/v1/tickets?status=pending", Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var noSubject = await http.PostAsJsonAsync("/api/v1/tickets", new { clientId }, Ct);
        noSubject.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Errors(await noSubject.Content.ReadFromJsonAsync<JsonElement>(Ct)).ShouldContainKey("subject");
        (await http.PostAsJsonAsync("/api/v1/tickets", new { clientId = Guid.NewGuid(), subject = "x" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var ticketId = await CreateTicketAsync(http, clientId, "Validation");
        var noMinutes = await http.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/time-entries", new { technician = "Sam", workDate = Day(Today) }, Ct);
        noMinutes.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Errors(await noMinutes.Content.ReadFromJsonAsync<JsonElement>(Ct)).ShouldContainKey("minutes");
    }

    [Fact]
    public async Task Tickets_OfAnotherTenant_Answer404()
    {
        using var demo = app.ApiClient(DemoSeeder.DemoApiKey);
        using var other = app.ApiClient(DemoSeeder.OtherApiKey);
        var demoClient = (await demo.GetFromJsonAsync<JsonElement>("/api/v1/clients", Ct)).GetProperty("items")[0].GetProperty("id").GetGuid();
        var ticketId = await CreateTicketAsync(demo, demoClient, "Demo tenant's ticket");
        var entry = await (await demo.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/time-entries", new { technician = "Pat", workDate = Day(Today), minutes = 20 }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct);

        (await other.GetAsync($"/api/v1/tickets/{ticketId}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/close", new { billingClass = "Billable" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/time-entries", new { technician = "Eve", workDate = Day(Today), minutes = 20 }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.PutAsJsonAsync($"/api/v1/time-entries/{entry.GetProperty("id").GetGuid()}/billing-class", new { billingClass = "Included", reason = "x" }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetAsync($"/api/v1/clients/{demoClient}/usage/{Period(Today)}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.PostAsJsonAsync("/api/v1/block-hours", new { clientId = demoClient, hours = 5, price = 500, purchasedOn = Day(Today), overageRate = 150 }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var batch = await (await other.PostAsJsonAsync("/api/v1/time-entries/batch",
            new { entries = new[] { new { externalId = "cross-" + Guid.NewGuid(), ticketId, technician = "Eve", workDate = Day(Today), minutes = 20 } } }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct);
        batch.GetProperty("invalid").GetInt32().ShouldBe(1);
        (await other.GetFromJsonAsync<JsonElement>("/api/v1/tickets?pageSize=1000", Ct)).GetProperty("items").EnumerateArray()
            .ShouldNotContain(t => t.GetProperty("id").GetGuid() == ticketId);

        var still = await demo.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{ticketId}", Ct);
        still.GetProperty("status").GetString().ShouldBe("open");
        still.GetProperty("entries").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task BlockHours_DrawnOldestFirstAcrossTwoBlocks_WithOverage_MatchToTheMinuteAndCent()
    {
        using var http = app.ApiClient(DemoSeeder.OtherApiKey);
        var clientId = await CreateClientAsync(http, 140m);
        var m0 = new DateOnly(Today.Year, Today.Month, 1);
        DateOnly M(int monthsBack, int day) => m0.AddMonths(-monthsBack).AddDays(day - 1);

        // Block A: 10 h (600 min) bought on day 1 of month M-3; block B: 5 h (300 min) bought on day 1 of M-2, overage 175.00/h.
        var a = await http.PostAsJsonAsync("/api/v1/block-hours", new { clientId, hours = 10, price = 1200, purchasedOn = Day(M(3, 1)), overageRate = 160 }, Ct);
        var b = await http.PostAsJsonAsync("/api/v1/block-hours", new { clientId, hours = 5, price = 650, purchasedOn = Day(M(2, 1)), overageRate = 175 }, Ct);
        a.StatusCode.ShouldBe(HttpStatusCode.Created);
        b.StatusCode.ShouldBe(HttpStatusCode.Created);
        var blockA = (await a.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var blockB = (await b.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        // Ticket 1 is created by the batch (external ticket id) and closed as Block Hour afterwards.
        var prefix = "blk-" + Guid.NewGuid().ToString("N")[..8] + "-";
        object Entry(string id, DateOnly day, int minutes, object ticket) => ticket is Guid t
            ? new { externalId = prefix + id, ticketId = t, technician = "Alex Tech", workDate = Day(day), minutes, billingClass = "BlockHour" }
            : new { externalId = prefix + id, ticketExternalId = prefix + "T1", clientId, ticketSubject = "Server migration", technician = "Alex Tech", workDate = Day(day), minutes, billingClass = "blockHour" };
        var first = await (await http.PostAsJsonAsync("/api/v1/time-entries/batch", new
        {
            entries = new[]
            {
                Entry("1", M(3, 10), 250, "new"), Entry("2", M(3, 20), 200, "new"), Entry("3", M(2, 5), 100, "new"), Entry("4", M(2, 15), 130, "new"),
            },
        }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        first.GetProperty("created").GetInt32().ShouldBe(4);
        var ticket1 = first.GetProperty("items")[0].GetProperty("ticketId").GetGuid();
        first.GetProperty("items").EnumerateArray().ShouldAllBe(i => i.GetProperty("ticketId").GetGuid() == ticket1);
        (await http.PostAsJsonAsync($"/api/v1/tickets/{ticket1}/close", new { billingClass = "BlockHour" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Ticket 2 is closed as Block Hour first; its time arrives later through the batch, on the closed ticket.
        var ticket2 = await CreateTicketAsync(http, clientId, "Firewall rules");
        (await http.PostAsJsonAsync($"/api/v1/tickets/{ticket2}/close", new { billingClass = "BlockHour" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var second = await (await http.PostAsJsonAsync("/api/v1/time-entries/batch", new
        {
            entries = new[] { Entry("5", M(1, 3), 200, ticket2), Entry("6", M(1, 12), 47, ticket2), Entry("7", M(1, 20), 35, ticket2) },
        }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        second.GetProperty("created").GetInt32().ShouldBe(3);

        // By hand, oldest block first, entries in date order, unrounded minutes:
        //   M-3/10 250 → A 600→350          M-3/20 200 → A 350→150
        //   M-2/05 100 → A 150→ 50          M-2/15 130 → A 50→0 (50), B 300→220 (80)
        //   M-1/03 200 → B 220→ 20          M-1/12  47 → B 20→0 (20), overage 27
        //   M-1/20  35 → overage 27+35 = 62
        // Month M-2: before A 150, B 300; used A 150, B 80; after A 0, B 220; no overage.
        // Month M-1: before A 0, B 220; used B 220; after 0, 0; overage 62 min → rounded up to 15 → 75 min
        //   = 1.25 h × 175.00 (the newest block's overage rate) = 218.75.
        var m2 = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/usage/{Period(M(2, 1))}", Ct)).GetProperty("blocks");
        Balance(m2, blockA).ShouldBe((150, 150, 0));
        Balance(m2, blockB).ShouldBe((300, 80, 220));
        m2.GetProperty("minutesBefore").GetInt32().ShouldBe(450);
        m2.GetProperty("minutesAfter").GetInt32().ShouldBe(220);
        m2.GetProperty("overageMinutes").GetInt32().ShouldBe(0);
        m2.GetProperty("overageAmount").GetDecimal().ShouldBe(0m);

        var usage = await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/usage/{Period(M(1, 1))}", Ct);
        var m1 = usage.GetProperty("blocks");
        Balance(m1, blockA).ShouldBe((0, 0, 0));
        Balance(m1, blockB).ShouldBe((220, 220, 0));
        m1.GetProperty("minutesBefore").GetInt32().ShouldBe(220);
        m1.GetProperty("minutesAfter").GetInt32().ShouldBe(0);
        m1.GetProperty("overageMinutes").GetInt32().ShouldBe(62);
        m1.GetProperty("overageBilledMinutes").GetInt32().ShouldBe(75);
        m1.GetProperty("overageRate").GetDecimal().ShouldBe(175.00m);
        m1.GetProperty("overageAmount").GetDecimal().ShouldBe(218.75m);
        usage.GetProperty("byClass").EnumerateArray().Single(c => c.GetProperty("billingClass").GetString() == "BlockHour").GetProperty("minutes").GetInt32().ShouldBe(282);
        usage.GetProperty("billableAmount").GetDecimal().ShouldBe(0m);

        // Today both blocks are used up: 0 h left, past the 95 % warning.
        var blocks = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/block-hours?clientId={clientId}", Ct)).GetProperty("items").EnumerateArray().ToList();
        blocks.Select(x => x.GetProperty("id").GetGuid()).ShouldBe([blockA, blockB]);
        blocks.ShouldAllBe(x => x.GetProperty("minutesRemaining").GetInt32() == 0 && x.GetProperty("hoursRemaining").GetDecimal() == 0m && x.GetProperty("lowBalance").GetString() == "95");
        var ticket = await http.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{ticket2}", Ct);
        ticket.GetProperty("blockMinutesRemaining").GetInt32().ShouldBe(0);
        ticket.GetProperty("entries").EnumerateArray().ShouldAllBe(e => e.GetProperty("billingClass").GetString() == "BlockHour");
    }

    [Fact]
    public async Task BlockHours_Create_ValidatesAndListsTheBalance()
    {
        using var http = app.ApiClient(DemoSeeder.OtherApiKey);
        var clientId = await CreateClientAsync(http, 100m);

        var missing = await http.PostAsJsonAsync("/api/v1/block-hours", new { clientId }, Ct);
        missing.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Errors(await missing.Content.ReadFromJsonAsync<JsonElement>(Ct)).Keys.ShouldBe(["hours", "price", "purchasedOn", "overageRate"], ignoreOrder: true);

        var created = await http.PostAsJsonAsync("/api/v1/block-hours", new { clientId, hours = 7.5m, price = 900.5m, purchasedOn = Day(Today.AddDays(-3)), overageRate = 165 }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var block = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        block.GetProperty("minutesRemaining").GetInt32().ShouldBe(450);
        block.GetProperty("hoursRemaining").GetDecimal().ShouldBe(7.5m);
        block.GetProperty("lowBalance").ValueKind.ShouldBe(JsonValueKind.Null);
        (await created.Content.ReadAsStringAsync(Ct)).ShouldContain("\"price\":900.50");
        (await http.GetFromJsonAsync<JsonElement>($"/api/v1/block-hours?clientId={clientId}", Ct)).GetProperty("total").GetInt32().ShouldBe(1);
    }

    private static Dictionary<string, string[]> Errors(JsonElement element) =>
        element.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(m => m.GetString()!).ToArray());

    private static (int Before, int Used, int After) Balance(JsonElement blocks, Guid blockId)
    {
        var b = blocks.GetProperty("items").EnumerateArray().Single(x => x.GetProperty("blockId").GetGuid() == blockId);
        return (b.GetProperty("minutesBefore").GetInt32(), b.GetProperty("minutesUsed").GetInt32(), b.GetProperty("minutesAfter").GetInt32());
    }

    private static async Task<Guid> CreateClientAsync(HttpClient http, decimal hourlyRate)
    {
        var response = await http.PostAsJsonAsync("/api/v1/clients", new { name = "PSA test " + Guid.NewGuid().ToString("N")[..8], hourlyRate }, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    private static async Task<Guid> CreateTicketAsync(HttpClient http, Guid clientId, string subject)
    {
        var response = await http.PostAsJsonAsync("/api/v1/tickets", new { clientId, subject, technician = "Alex Tech" }, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    private async Task<int> CountEntriesAsync(string externalIdPrefix)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        // Counted across tenants on purpose: a stored entry in any tenant would show here.
        return await db.TimeEntries.IgnoreQueryFilters([AppDbContext.TenantFilter]).CountAsync(e => e.ExternalId != null && e.ExternalId.StartsWith(externalIdPrefix), Ct);
    }
}
