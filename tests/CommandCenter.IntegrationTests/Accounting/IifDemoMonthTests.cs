using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Billing;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Tests.Accounting;

namespace CommandCenter.IntegrationTests.Accounting;

/// <summary>
/// The demo month exported as IIF (issue 6): the owner switches the target to an IIF file, imports QuickBooks' own list
/// export, confirms the suggested mappings, and posts. The file passes the strict IIF parser (header rows, tabs,
/// balanced TRNS/SPL, dates, CRLF, Windows-1252) and its totals equal the preview, invoice by invoice.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class IifDemoMonthTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PostAll_IifTarget_DemoMonthFilePassesTheStrictParserAndItsTotalsEqualThePreview()
    {
        await DemoReady.HistoryAsync(app, Ct);
        await DemoReady.AccountingAsync(app, Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        await DemoMonth.DecideAndApproveAllAsync(http, Ct);
        var switched = await http.PutAsJsonAsync("/api/v1/accounting-connection", new { kind = "iif", confirmKindChange = true }, Ct);
        switched.StatusCode.ShouldBe(HttpStatusCode.OK, await switched.Content.ReadAsStringAsync(Ct));

        // QuickBooks' list export: the customers and the items (with their income accounts), tab separated.
        var clients = await http.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=1000", Ct);
        var items = await http.GetFromJsonAsync<JsonElement>("/api/v1/catalog-items", Ct);
        var lists = new StringBuilder("!CUST\tNAME\tBADDR1\r\n");
        foreach (var client in clients.GetProperty("items").EnumerateArray())
        {
            lists.Append("CUST\t").Append(client.GetProperty("name").GetString()).Append("\t1 Main St\r\n");
        }

        lists.Append("!INVITEM\tNAME\tINVITEMTYPE\tACCNT\tPRICE\r\n");
        foreach (var item in (items.ValueKind == JsonValueKind.Array ? items : items.GetProperty("items")).EnumerateArray())
        {
            lists.Append("INVITEM\t").Append(item.GetProperty("name").GetString()).Append("\tSERV\tManaged Services Income\t0\r\n");
        }

        lists.Append("INVITEM\tMisc charges\tSERV\tOther Income\t0\r\n");
        var imported = await http.PostAsync("/api/v1/accounting-connection/import", new StringContent(lists.ToString(), Encoding.UTF8, "text/plain"), Ct);
        imported.StatusCode.ShouldBe(HttpStatusCode.OK, await imported.Content.ReadAsStringAsync(Ct));
        foreach (var side in new[] { "customers", "items" })
        {
            var accepted = await http.PostAsync($"/api/v1/accounting-connection/mappings/accept-suggestions?side={side}", null, Ct);
            accepted.StatusCode.ShouldBe(HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync(Ct));
        }

        var fallback = await http.PutAsJsonAsync("/api/v1/accounting-connection", new { kind = "iif", fallbackItemId = "Misc charges" }, Ct);
        fallback.StatusCode.ShouldBe(HttpStatusCode.OK, await fallback.Content.ReadAsStringAsync(Ct));
        var preview = await DemoMonth.WaitReadyAsync(http, Ct);

        var posted = await (await http.PostAsJsonAsync($"/api/v1/billing-runs/{DemoMonth.Period()}/post", new { }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var exportId = posted.GetProperty("exportId").GetGuid();
        using var file = await http.GetAsync($"/api/v1/billing-runs/{DemoMonth.Period()}/exports/{exportId}", Ct);
        var transactions = IifStrictParser.Parse(await file.Content.ReadAsByteArrayAsync(Ct));

        posted.GetProperty("queued").GetInt32().ShouldBe(40, posted.ToString());
        transactions.Count.ShouldBe(40);
        var expected = preview.GetProperty("invoices").GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("clientName").GetString()!, i => i.GetProperty("total").GetDecimal());
        transactions.ToDictionary(t => t.Name, t => t.Amount).ShouldBe(expected, ignoreOrder: true);
        transactions.Sum(t => t.Amount).ShouldBe(preview.GetProperty("totals").GetProperty("total").GetDecimal());
        transactions.ShouldAllBe(t => t.Date == DateOnly.Parse(preview.GetProperty("invoices").GetProperty("items")[0].GetProperty("invoiceDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        var status = await DemoMonth.PostingAsync(http, Ct);
        status.GetProperty("locked").GetBoolean().ShouldBeTrue();

        // Exported months are in the ledger: the owner is warned before the same month goes out again.
        status.GetProperty("exports").GetArrayLength().ShouldBe(1);
    }
}
