using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;

namespace CommandCenter.IntegrationTests.Accounting;

/// <summary>
/// The accounting connection and mappings through the REST API. The IIF kind needs no adapter, so these run on any build;
/// the Other MSP tenant never gets a connection here (it shows isolation and the "none yet" answers).
/// </summary>
public sealed class AccountingApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetConnection_NoneYet_Answers404Problem()
    {
        using var other = app.ApiClient(DemoSeeder.OtherApiKey);

        var response = await other.GetAsync("/api/v1/accounting-connection", Ct);
        var customers = await other.GetAsync("/api/v1/accounting-connection/customers", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        customers.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.ApiClient(null).GetAsync("/api/v1/accounting-connection", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task PutConnection_BadInput_Answers400NamingEachField_AndStoresNothing()
    {
        using var other = app.ApiClient(DemoSeeder.OtherApiKey);

        var conductor = await ErrorsOfAsync(await other.PutAsJsonAsync("/api/v1/accounting-connection",
            new { kind = "conductor", baseUrl = "ftp://conductor.example.test", timeoutSeconds = 2, credentials = new { secretKey = "", endUserId = (string?)null } }, Ct));
        var qbo = await ErrorsOfAsync(await other.PutAsJsonAsync("/api/v1/accounting-connection",
            new { kind = "qbo", tokenUrl = "not a url", credentials = new { clientId = "abc" } }, Ct));
        var iif = await ErrorsOfAsync(await other.PutAsJsonAsync("/api/v1/accounting-connection",
            new { kind = "iif", iif = new { arAccount = "Accounts Receivable", incomeAccount = "Services", dateFormat = "yyyy-MM-dd" } }, Ct));
        var kind = await ErrorsOfAsync(await other.PutAsJsonAsync("/api/v1/accounting-connection", new { kind = "sage" }, Ct));

        conductor.Keys.ShouldBe(["baseUrl", "timeoutSeconds", "credentials.secretKey", "credentials.endUserId"], ignoreOrder: true);
        qbo.Keys.ShouldBe(["tokenUrl", "credentials.clientSecret"], ignoreOrder: true);
        iif.Keys.ShouldBe(["iif.dateFormat"]);
        kind.Keys.ShouldBe(["kind"]);
        (await other.GetAsync("/api/v1/accounting-connection", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task IifConnection_ImportListAndMap_ShowsSuggestionMappingAndWhoMapsEachCustomer_OtherTenantCannotTouchIt()
    {
        await CommandCenter.IntegrationTests.Billing.DemoReady.AccountingAsync(app, Ct); // the start-up import must not land after this test's changes
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var clients = (await http.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=100", Ct)).GetProperty("items").EnumerateArray()
            .Where(c => c.GetProperty("status").GetString() is "Active" or "active").ToList();
        var (first, second) = (clients[0], clients[1]);
        var firstId = first.GetProperty("id").GetGuid();

        // confirmKindChange: the demo tenant may already have another kind of connection.
        var saved = await http.PutAsJsonAsync("/api/v1/accounting-connection",
            new { kind = "iif", iif = new { arAccount = "Accounts Receivable", incomeAccount = "Managed Services", dateFormat = "dd/MM/yyyy" }, confirmKindChange = true }, Ct);
        saved.StatusCode.ShouldBe(HttpStatusCode.OK);
        var connection = await http.GetFromJsonAsync<JsonElement>("/api/v1/accounting-connection", Ct);
        connection.GetProperty("kind").GetString().ShouldBe("iif");
        connection.GetProperty("status").GetString().ShouldBe("connected");
        connection.GetProperty("iif").GetProperty("dateFormat").GetString().ShouldBe("dd/MM/yyyy");
        connection.GetProperty("iif").GetProperty("incomeAccount").GetString().ShouldBe("Managed Services");
        connection.TryGetProperty("credentials", out _).ShouldBeFalse();

        var list = "!CUST\tNAME\tREFNUM\r\n"
            + $"CUST\t{first.GetProperty("name").GetString()}\t1\r\n"
            + $"CUST\t{second.GetProperty("name").GetString()} (old)\t2\r\n"
            + "CUST\tContoso Ltd\t3\r\n"
            + "!INVITEM\tNAME\tINVITEMTYPE\tACCNT\tPRICE\r\nINVITEM\tManaged Workstation\tSERV\tServices\t45.00\r\n";
        var imported = await http.PostAsync("/api/v1/accounting-connection/import", new StringContent(list, Encoding.UTF8, "text/plain"), Ct);
        imported.StatusCode.ShouldBe(HttpStatusCode.OK);
        var counts = await imported.Content.ReadFromJsonAsync<JsonElement>(Ct);
        counts.GetProperty("customers").GetProperty("total").GetInt32().ShouldBe(3);
        counts.GetProperty("items").GetProperty("total").GetInt32().ShouldBe(1);

        var mappings = await http.GetFromJsonAsync<JsonElement>("/api/v1/accounting-connection/mappings", Ct);
        var row = mappings.GetProperty("customers").EnumerateArray().Single(c => c.GetProperty("clientId").GetGuid() == firstId);
        row.GetProperty("suggestion").GetProperty("externalId").GetString().ShouldBe(first.GetProperty("name").GetString());
        row.GetProperty("suggestion").GetProperty("reason").GetString().ShouldBe("same name");
        row.GetProperty("customer").ValueKind.ShouldBe(JsonValueKind.Null); // suggested, not applied

        var put = await http.PutAsJsonAsync("/api/v1/accounting-connection/mappings",
            new { customers = new[] { new { clientId = firstId, externalId = first.GetProperty("name").GetString() } } }, Ct);
        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        var result = await put.Content.ReadFromJsonAsync<JsonElement>(Ct);
        result.GetProperty("changed").GetInt32().ShouldBe(1);
        result.GetProperty("mappings").GetProperty("customers").EnumerateArray().Single(c => c.GetProperty("clientId").GetGuid() == firstId)
            .GetProperty("customer").GetProperty("externalId").GetString().ShouldBe(first.GetProperty("name").GetString());

        var customers = await http.GetFromJsonAsync<JsonElement>("/api/v1/accounting-connection/customers?pageSize=2", Ct);
        customers.GetProperty("total").GetInt32().ShouldBe(3);
        customers.GetProperty("items").GetArrayLength().ShouldBe(2);
        var all = await http.GetFromJsonAsync<JsonElement>("/api/v1/accounting-connection/customers", Ct);
        all.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("externalId").GetString() == first.GetProperty("name").GetString())
            .GetProperty("mappedBy").EnumerateArray().Single().GetProperty("id").GetGuid().ShouldBe(firstId);
        var items = await http.GetFromJsonAsync<JsonElement>("/api/v1/accounting-connection/items", Ct);
        items.GetProperty("items")[0].GetProperty("price").GetDecimal().ShouldBe(45.00m);

        // Unknown ids name the entry; another tenant's client is unknown to that tenant, and nothing changes.
        var unknown = await ErrorsOfAsync(await http.PutAsJsonAsync("/api/v1/accounting-connection/mappings",
            new { customers = new[] { new { clientId = firstId, externalId = "Contoso Ltd" }, new { clientId = Guid.NewGuid(), externalId = "Contoso Ltd" } }, items = new[] { new { itemId = Guid.NewGuid(), externalId = (string?)null } } }, Ct));
        unknown.Keys.ShouldBe(["customers[1].clientId", "items[0].itemId"], ignoreOrder: true);
        using var other = app.ApiClient(DemoSeeder.OtherApiKey);
        var foreign = await ErrorsOfAsync(await other.PutAsJsonAsync("/api/v1/accounting-connection/mappings",
            new { customers = new[] { new { clientId = firstId, externalId = (string?)null } } }, Ct));
        foreign.Keys.ShouldBe(["customers[0].clientId"]);
        var after = await http.GetFromJsonAsync<JsonElement>("/api/v1/accounting-connection/mappings", Ct);
        after.GetProperty("customers").EnumerateArray().Single(c => c.GetProperty("clientId").GetGuid() == firstId)
            .GetProperty("customer").GetProperty("externalId").GetString().ShouldBe(first.GetProperty("name").GetString());

        // A broken IIF file: line numbers, nothing imported.
        var bad = await ErrorsOfAsync(await http.PostAsync("/api/v1/accounting-connection/import",
            new StringContent("!CUST\tNAME\nCUST\t\n", Encoding.UTF8, "text/plain"), Ct));
        bad["file"].ShouldBe(["Line 2: a customer without a NAME."]);
    }

    private static async Task<Dictionary<string, string[]>> ErrorsOfAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return body.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(m => m.GetString()!).ToArray());
    }
}
