using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;

namespace CommandCenter.IntegrationTests.Billing;

/// <summary>Recurring lines bound to a vendor count (quantitySource.kind = "vendor") through the REST API.</summary>
public sealed class VendorLinesApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Period => TimeProvider.System.GetUtcNow().UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    [Fact]
    public async Task AddLine_VendorDevicesWithClassFilter_RoundTripsAndBillsTheFilteredCount()
    {
        await DemoReady.HistoryAsync(app, Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var connectionId = await ConnectionAsync(http, "ninjaone");
        var (clientId, counts) = await ClientWithDevicesAsync(http, connectionId);
        // What billing must count: the approved Workstations and Servers of the client's NinjaOne organisation(s).
        var expected = counts.Where(g => g.GetProperty("connectionId").GetGuid() == connectionId && g.GetProperty("metric").GetString() == "devices")
            .SelectMany(g => g.GetProperty("assets").EnumerateArray())
            .Count(a => a.GetProperty("counted").GetBoolean() && a.GetProperty("class").GetString() is "Workstation" or "Server");
        var itemId = await ItemAsync(http);

        var response = await http.PostAsJsonAsync($"/api/v1/clients/{clientId}/lines", new
        {
            itemId,
            unitPrice = 20m,
            description = "Managed endpoints (test)",
            quantitySource = new { kind = "vendor", connectionId, metric = "devices", filter = new { classes = new[] { "workstation", "Server" } } },
        }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var line = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var lineId = line.GetProperty("id").GetGuid();
        var listed = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/lines", Ct))
            .GetProperty("items").EnumerateArray().Single(l => l.GetProperty("id").GetGuid() == lineId);
        foreach (var body in new[] { line, listed })
        {
            var source = body.GetProperty("quantitySource");
            source.GetProperty("kind").GetString().ShouldBe("vendor");
            source.GetProperty("connectionId").GetGuid().ShouldBe(connectionId);
            source.GetProperty("connectionName").GetString().ShouldBe("NinjaOne RMM");
            source.GetProperty("metric").GetString().ShouldBe("devices");
            source.GetProperty("filter").GetProperty("classes").EnumerateArray().Select(c => c.GetString()).ShouldBe(["Workstation", "Server"]);
        }

        (await http.PostAsync($"/api/v1/billing-runs/{Period}/refresh", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var run = await http.GetFromJsonAsync<JsonElement>($"/api/v1/billing-runs/{Period}?pageSize=1000", Ct);
        var invoice = run.GetProperty("invoices").GetProperty("items").EnumerateArray().Single(i => i.GetProperty("clientId").GetGuid() == clientId);
        var billed = invoice.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("key").GetString() == $"line:{lineId:N}");
        expected.ShouldBeGreaterThan(0);
        billed.GetProperty("quantity").GetDecimal().ShouldBe(expected);
        billed.GetProperty("amount").GetDecimal().ShouldBe(20m * expected);
        billed.GetProperty("provenance").GetProperty("evidence").GetArrayLength().ShouldBe(expected);
    }

    [Fact]
    public async Task AddLine_BadVendorSource_Answers400NamingTheFieldAndStoresNothing()
    {
        await DemoReady.SyncAllAsync(app, Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var ninja = await ConnectionAsync(http, "ninjaone");
        var pax8 = await ConnectionAsync(http, "pax8");
        var (clientId, _) = await ClientWithDevicesAsync(http, ninja);
        var itemId = await ItemAsync(http);
        var linesBefore = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/lines", Ct)).GetProperty("total").GetInt32();

        var wrongKind = await ErrorsOfAsync(await AddAsync(new { kind = "vendor", connectionId = ninja, metric = "licences", product = "Microsoft 365 Business Premium" }));
        var unknownMetric = await ErrorsOfAsync(await AddAsync(new { kind = "vendor", connectionId = ninja, metric = "toasters" }));
        var unknownClass = await ErrorsOfAsync(await AddAsync(new { kind = "vendor", connectionId = ninja, metric = "devices", filter = new { classes = new[] { "Toaster" } } }));
        var noProduct = await ErrorsOfAsync(await AddAsync(new { kind = "vendor", connectionId = pax8, metric = "licences" }));
        var badBasis = await ErrorsOfAsync(await AddAsync(new { kind = "vendor", connectionId = pax8, metric = "licences", product = "Exchange Online", filter = new { basis = "borrowed" } }));
        var noConnection = await ErrorsOfAsync(await AddAsync(new { kind = "vendor", connectionId = Guid.NewGuid(), metric = "workstations" }));
        var badKind = await ErrorsOfAsync(await AddAsync(new { kind = "spreadsheet", quantity = 3 }));

        wrongKind["quantitySource.metric"].Single().ShouldContain("NinjaOne");
        unknownMetric.ShouldContainKey("quantitySource.metric");
        unknownClass["quantitySource.filter.classes"].Single().ShouldContain("Toaster");
        noProduct.ShouldContainKey("quantitySource.product");
        badBasis.ShouldContainKey("quantitySource.filter.basis");
        noConnection.ShouldContainKey("quantitySource.connectionId");
        badKind.ShouldContainKey("quantitySource.kind");
        (await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/lines", Ct)).GetProperty("total").GetInt32().ShouldBe(linesBefore);

        Task<HttpResponseMessage> AddAsync(object quantitySource) =>
            http.PostAsJsonAsync($"/api/v1/clients/{clientId}/lines", new { itemId, quantitySource }, Ct);
    }

    [Fact]
    public async Task UpdateLine_ToLicencesAssignedThenBackToManual_RoundTrips()
    {
        await DemoReady.SyncAllAsync(app, Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var pax8 = await ConnectionAsync(http, "pax8");
        var (clientId, _) = await ClientWithDevicesAsync(http, await ConnectionAsync(http, "ninjaone"));
        var itemId = await ItemAsync(http);
        var created = await (await http.PostAsJsonAsync($"/api/v1/clients/{clientId}/lines", new { itemId, quantitySource = new { kind = "manual", quantity = 4 } }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct);
        var lineId = created.GetProperty("id").GetGuid();
        created.GetProperty("quantitySource").GetProperty("kind").GetString().ShouldBe("manual");

        var bound = await http.PutAsJsonAsync($"/api/v1/clients/{clientId}/lines/{lineId}", new
        {
            itemId,
            reason = "Bill what is assigned",
            quantitySource = new { kind = "vendor", connectionId = pax8, metric = "licences", product = "Microsoft 365 Business Premium", filter = new { basis = "assigned" } },
        }, Ct);

        bound.StatusCode.ShouldBe(HttpStatusCode.OK);
        var source = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/lines", Ct))
            .GetProperty("items").EnumerateArray().Single(l => l.GetProperty("id").GetGuid() == lineId).GetProperty("quantitySource");
        source.GetProperty("kind").GetString().ShouldBe("vendor");
        source.GetProperty("connectionId").GetGuid().ShouldBe(pax8);
        source.GetProperty("metric").GetString().ShouldBe("licences");
        source.GetProperty("product").GetString().ShouldBe("Microsoft 365 Business Premium");
        source.GetProperty("filter").GetProperty("basis").GetString().ShouldBe("assigned");

        var manual = await http.PutAsJsonAsync($"/api/v1/clients/{clientId}/lines/{lineId}", new { itemId, quantitySource = new { kind = "manual", quantity = 7 } }, Ct);
        var back = (await manual.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("quantitySource");
        back.GetProperty("kind").GetString().ShouldBe("manual");
        back.GetProperty("quantity").GetDecimal().ShouldBe(7m);
        back.GetProperty("connectionId").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    private static async Task<Guid> ConnectionAsync(HttpClient http, string kind)
    {
        var connections = await http.GetFromJsonAsync<JsonElement>("/api/v1/vendor-connections", Ct);
        return connections.GetProperty("items").EnumerateArray().First(c => c.GetProperty("kind").GetString() == kind).GetProperty("id").GetGuid();
    }

    private static async Task<Guid> ItemAsync(HttpClient http)
    {
        var items = await http.GetFromJsonAsync<JsonElement>("/api/v1/catalog-items?pageSize=100", Ct);
        return items.GetProperty("items").EnumerateArray().First().GetProperty("id").GetGuid();
    }

    /// <summary>The first demo client (by name) whose NinjaOne organisation reports counted devices, with its newest counts.</summary>
    private static async Task<(Guid ClientId, List<JsonElement> Counts)> ClientWithDevicesAsync(HttpClient http, Guid ninjaConnection)
    {
        var clients = await http.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=100", Ct);
        foreach (var client in clients.GetProperty("items").EnumerateArray())
        {
            var clientId = client.GetProperty("id").GetGuid();
            var counts = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{clientId}/counts", Ct)).GetProperty("items").EnumerateArray().ToList();
            if (counts.Any(g => g.GetProperty("connectionId").GetGuid() == ninjaConnection && g.GetProperty("count").GetDecimal() > 0))
            {
                return (clientId, counts);
            }
        }

        throw new InvalidOperationException("No demo client has NinjaOne devices.");
    }

    private static async Task<Dictionary<string, string[]>> ErrorsOfAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return body.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(m => m.GetString()!).ToArray());
    }
}
