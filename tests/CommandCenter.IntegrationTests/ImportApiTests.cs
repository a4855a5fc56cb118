using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;

namespace CommandCenter.IntegrationTests;

public sealed class ImportApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ImportBillingSheet_FortyRowsThreeBad_ReportsThreeRowsAndCreatesNothing_ThenFixedSheetCreatesForty()
    {
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var before = await CountAsync(http);

        var bad = Sheet(badRows: true);
        var preview = await PostAsync(http, bad, commit: false);
        var errors = preview.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("row").GetInt32()).ToList();
        errors.ShouldBe([8, 15, 30]);

        var refused = await http.PostAsync("/api/v1/imports/billing-sheet?commit=true", Csv(bad), Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await CountAsync(http)).ShouldBe(before);

        var committed = await PostAsync(http, Sheet(badRows: false), commit: true);
        committed.GetProperty("committed").GetBoolean().ShouldBeTrue();
        committed.GetProperty("clients").GetInt32().ShouldBe(40);
        (await CountAsync(http)).ShouldBe(before + 40);
    }

    [Fact]
    public async Task CreateClientAndLine_ValidBody_RoundTripsWithMoneyAndAudit()
    {
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var created = await http.PostAsJsonAsync("/api/v1/clients", new { name = "Api Created Dental", hourlyRate = 150 }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var clientId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString();
        var item = (await http.GetFromJsonAsync<JsonElement>("/api/v1/catalog-items", Ct)).GetProperty("items")[0];

        var line = await http.PostAsJsonAsync($"/api/v1/clients/{clientId}/lines", new
        {
            itemId = item.GetProperty("id").GetString(),
            unitPrice = 12.5m,
            quantitySource = new { kind = "manual", quantity = 9 },
            includedUnits = 5,
            minimum = 2,
        }, Ct);

        line.StatusCode.ShouldBe(HttpStatusCode.Created);
        var json = await line.Content.ReadAsStringAsync(Ct);
        json.ShouldContain("\"monthlyAmount\":50.00");
        json.ShouldContain("\"billedQuantity\":4");
    }

    internal static string Sheet(bool badRows)
    {
        var csv = new StringBuilder("Client,Hourly Rate,Managed Workstation,Managed Server\n");
        for (var i = 1; i <= 40; i++)
        {
            var row = i + 1;
            var name = $"Imported Client {i:00}";
            var workstations = (i % 17 + 3).ToString(CultureInfo.InvariantCulture);
            if (badRows && row == 8)
            {
                workstations = "twelve";
            }

            if (badRows && row == 15)
            {
                name = "Imported Client 01";
            }

            var rate = badRows && row == 30 ? "-10" : "150";
            csv.Append(CultureInfo.InvariantCulture, $"{name},{rate},{workstations},{i % 3}\n");
        }

        return csv.ToString();
    }

    private static StringContent Csv(string csv) => new(csv, Encoding.UTF8, "text/csv");

    private static async Task<JsonElement> PostAsync(HttpClient http, string csv, bool commit)
    {
        var response = await http.PostAsync($"/api/v1/imports/billing-sheet?commit={commit.ToString().ToLowerInvariant()}", Csv(csv), Ct);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static async Task<int> CountAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=1", Ct)).GetProperty("total").GetInt32();
}
