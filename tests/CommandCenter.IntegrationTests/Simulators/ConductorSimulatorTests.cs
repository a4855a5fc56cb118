using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Simulators;
using CommandCenter.Simulators.World;

namespace CommandCenter.IntegrationTests.Simulators;

/// <summary>The Conductor (QuickBooks Desktop) simulator on the wire: auth, error envelope, paging, money as strings, no idempotency, serial per end user.</summary>
public sealed class ConductorSimulatorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpRequestMessage Request(HttpMethod method, string path, object? body = null, string key = AccountingSimulatorCredentials.ConductorSecretKey,
        string? endUser = AccountingSimulatorCredentials.ConductorEndUserId)
    {
        var request = new HttpRequestMessage(method, "conductor/v1/quickbooks-desktop/" + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (endUser is not null)
        {
            request.Headers.Add("Conductor-End-User-Id", endUser);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await http.SendAsync(request, Ct);
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
        }
    }

    private static object Invoice(SimulatorWorld world, string refNumber, string? externalId = null, object? rate = null, object? amount = null) => new
    {
        customerId = world.Conductor.Customers[0].Id,
        transactionDate = "2026-03-31",
        refNumber,
        externalId = externalId ?? Guid.NewGuid().ToString(),
        lines = new[] { new { itemId = world.Conductor.Items[0].Id, description = "Managed workstations", quantity = 3, rate = rate ?? "45.00", amount = amount ?? "135.00" } },
    };

    [Fact]
    public async Task Customers_WrongKeyOrUnknownEndUser_AnswerTheErrorEnvelope()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var http = server.Client();

        var (status, body) = await SendAsync(http, Request(HttpMethod.Get, "customers", key: "sk_test_wrong"));
        var (userStatus, userBody) = await SendAsync(http, Request(HttpMethod.Get, "customers", endUser: "end_usr_nobody"));
        var (missingStatus, missingBody) = await SendAsync(http, Request(HttpMethod.Get, "customers", endUser: null));

        status.ShouldBe(HttpStatusCode.Unauthorized);
        var error = body.GetProperty("error");
        error.GetProperty("type").GetString().ShouldBe("AUTHENTICATION_ERROR");
        error.GetProperty("httpStatusCode").GetInt32().ShouldBe(401);
        error.GetProperty("userFacingMessage").GetString().ShouldNotBeNullOrWhiteSpace();
        error.GetProperty("requestId").GetString()!.ShouldStartWith("req_");
        userStatus.ShouldBe(HttpStatusCode.NotFound);
        userBody.GetProperty("error").GetProperty("code").GetString().ShouldBe("RESOURCE_MISSING");
        missingStatus.ShouldBe(HttpStatusCode.BadRequest);
        missingBody.GetProperty("error").GetProperty("type").GetString().ShouldBe("INVALID_REQUEST_ERROR");
    }

    [Fact]
    public async Task Customers_CursorPaging_ReturnsEveryCustomerOnce_AndTheCursorIsSingleUse()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var http = server.Client();
        var ids = new List<string>();
        string? cursor = null;
        string? firstCursor = null;
        do
        {
            var (status, body) = await SendAsync(http, Request(HttpMethod.Get, "customers?status=all&limit=20" + (cursor is null ? "" : "&cursor=" + cursor)));
            status.ShouldBe(HttpStatusCode.OK);
            body.GetProperty("objectType").GetString().ShouldBe("list");
            body.GetProperty("url").GetString().ShouldBe("/v1/quickbooks-desktop/customers");
            ids.AddRange(body.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("id").GetString()!));
            cursor = body.GetProperty("nextCursor").GetString();
            body.GetProperty("hasMore").GetBoolean().ShouldBe(cursor is not null);
            firstCursor ??= cursor;
        }
        while (cursor is not null);

        ids.ShouldBe(server.World.Conductor.Customers.Select(c => c.Id));
        ids[0].ShouldBe("80000001-1600000000");
        var (reuse, reuseBody) = await SendAsync(http, Request(HttpMethod.Get, "customers?cursor=" + firstCursor));
        reuse.ShouldBe(HttpStatusCode.BadRequest);
        reuseBody.GetProperty("error").GetProperty("type").GetString().ShouldBe("INVALID_REQUEST_ERROR");
        (await SendAsync(http, Request(HttpMethod.Get, "customers?limit=151"))).Status.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Customers_CursorUsedAfter10Seconds_IsExpired()
    {
        var time = new Accounting.ShiftableTimeProvider();
        await using var server = await SimulatorServer.StartAsync(time: time);
        using var http = server.Client();
        var (_, first) = await SendAsync(http, Request(HttpMethod.Get, "customers?limit=10"));

        time.Advance(TimeSpan.FromSeconds(10.5));
        var (status, body) = await SendAsync(http, Request(HttpMethod.Get, "customers?cursor=" + first.GetProperty("nextCursor").GetString()));

        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetProperty("code").GetString().ShouldBe("CURSOR_EXPIRED");
        body.GetProperty("error").GetProperty("message").GetString()!.ShouldContain("10 seconds");
    }

    [Fact]
    public async Task ServiceItems_HavePriceAsStringAndPostingAccount()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var http = server.Client();

        var (_, body) = await SendAsync(http, Request(HttpMethod.Get, "service-items"));

        var items = body.GetProperty("data").EnumerateArray().ToList();
        items.Count.ShouldBe(server.World.Conductor.Items.Count);
        var details = items[0].GetProperty("salesOrPurchaseDetails");
        details.GetProperty("price").ValueKind.ShouldBe(JsonValueKind.String);
        details.GetProperty("postingAccount").GetProperty("fullName").GetString().ShouldNotBeNullOrEmpty();
        items.ShouldContain(i => i.GetProperty("fullName").GetString() == ConductorData.MiscChargesItem);
    }

    [Fact]
    public async Task CreateInvoice_SameExternalIdTwice_CreatesTwo_AndListFiltersByRefNumbersEitherEncoding()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var http = server.Client();
        var externalId = Guid.NewGuid().ToString();

        var (status, created) = await SendAsync(http, Request(HttpMethod.Post, "invoices", Invoice(server.World, "A-1", externalId)));
        (await SendAsync(http, Request(HttpMethod.Post, "invoices", Invoice(server.World, "A-1", externalId)))).Status.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(http, Request(HttpMethod.Post, "invoices", Invoice(server.World, "B-2")))).Status.ShouldBe(HttpStatusCode.OK);

        status.ShouldBe(HttpStatusCode.OK);
        created.GetProperty("objectType").GetString().ShouldBe("qbd_invoice");
        created.GetProperty("subtotal").GetString().ShouldBe("135.00");
        created.GetProperty("lines")[0].GetProperty("amount").GetString().ShouldBe("135.00");
        created.GetProperty("externalId").GetString().ShouldBe(externalId);
        server.World.Conductor.Invoices.Count(i => i.ExternalId == externalId).ShouldBe(2);
        var (_, repeated) = await SendAsync(http, Request(HttpMethod.Get, "invoices?refNumbers=A-1&refNumbers=B-2"));
        var (_, joined) = await SendAsync(http, Request(HttpMethod.Get, "invoices?refNumbers=A-1,B-2&customerIds=" + server.World.Conductor.Customers[0].Id));
        var (_, one) = await SendAsync(http, Request(HttpMethod.Get, "invoices?refNumbers=B-2"));
        repeated.GetProperty("data").GetArrayLength().ShouldBe(3);
        joined.GetProperty("data").GetArrayLength().ShouldBe(3);
        one.GetProperty("data").GetArrayLength().ShouldBe(1);
        (await SendAsync(http, Request(HttpMethod.Get, "credit-memos"))).Body.GetProperty("data").GetArrayLength().ShouldBe(0);

        using var worldView = await http.GetAsync("_world/conductor/invoices", Ct);
        (await worldView.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetArrayLength().ShouldBe(3);
    }

    [Theory]
    [InlineData("TOO-LONG-REF", null, null, null, "INVALID_REQUEST_ERROR")]
    [InlineData("A-1", "not-a-guid", null, null, "INVALID_REQUEST_ERROR")]
    [InlineData("A-1", null, 45.0, null, "INVALID_REQUEST_ERROR")]
    [InlineData("A-1", null, null, 135.0, "INVALID_REQUEST_ERROR")]
    [InlineData("A-1", null, null, "-135.00", "INTEGRATION_ERROR")]
    public async Task CreateInvoice_InvalidBody_IsRefusedAndNothingCreated(string refNumber, string? externalId, object? rate, object? amount, string type)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var http = server.Client();

        var (status, body) = await SendAsync(http, Request(HttpMethod.Post, "invoices", Invoice(server.World, refNumber, externalId, rate, amount)));

        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetProperty("type").GetString().ShouldBe(type);
        server.World.Conductor.Transactions.ShouldBeEmpty();
    }

    [Fact]
    public async Task CreateInvoice_UnknownItem_IsIntegrationErrorWithQuickBooksCode()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var http = server.Client();
        var body = new
        {
            customerId = server.World.Conductor.Customers[0].Id,
            transactionDate = "2026-03-31",
            lines = new[] { new { itemId = "80009999-1600000000", amount = "10.00" } },
        };

        var (status, answer) = await SendAsync(http, Request(HttpMethod.Post, "invoices", body));

        status.ShouldBe(HttpStatusCode.BadRequest);
        answer.GetProperty("error").GetProperty("type").GetString().ShouldBe("INTEGRATION_ERROR");
        answer.GetProperty("error").GetProperty("integrationCode").GetString().ShouldBe("3140");
        server.World.Conductor.Transactions.ShouldBeEmpty();
    }

    [Fact]
    public async Task CreateInvoice_ConcurrentRequests_AreServedOneAtATimePerEndUser()
    {
        await using var server = await SimulatorServer.StartAsync(o => o.AccountingLatencyMs = 400);
        using var http = server.Client();
        var started = TimeProvider.System.GetTimestamp();

        var answers = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => SendAsync(http, Request(HttpMethod.Post, "invoices", Invoice(server.World, $"C-{i}")))));

        answers.ShouldAllBe(a => a.Status == HttpStatusCode.OK);
        // Three creates of 400 ms each, one at a time: at least 1.2 s in all (a lower bound, never a tight clock).
        TimeProvider.System.GetElapsedTime(started).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(1150));
        var created = server.World.Conductor.Invoices.Select(i => i.CreatedAt).Order().ToList();
        (created[2] - created[0]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(750));
    }
}
