using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;

namespace CommandCenter.IntegrationTests.Security;

/// <summary>
/// Request bodies over their endpoint's limit: 413 problem details (not a reset connection, not a 500) and nothing
/// saved — 1 MB for a JSON body of the API, 5 MB for the billing-sheet CSV, 5 MB for a time-entry batch.
/// </summary>
public sealed class RequestLimitTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task JsonBody_OverOneMegabyte_Is413ProblemDetails_AndSavesNothing()
    {
        using var api = app.ApiClient(DemoSeeder.DemoApiKey);
        var before = await ClientCountAsync(api);

        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new { name = "Huge", notes = new string('x', 1_100_000) }));
        content.Headers.ContentType = new("application/json");

        var response = await api.PostAsync("/api/v1/clients", content, Ct);

        await ShouldBeTooLargeAsync(response, "1 MB");
        (await ClientCountAsync(api)).ShouldBe(before);
    }

    [Fact]
    public async Task ChunkedJsonBody_OverOneMegabyte_Is413ProblemDetails_AndSavesNothing()
    {
        using var api = app.ApiClient(DemoSeeder.DemoApiKey);
        var before = await ClientCountAsync(api);
        // JSON content streams with no Content-Length: the limit must hold while the body is read.
        using var content = JsonContent.Create(new { name = "Huge and chunked", notes = new string('x', 1_100_000) });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/clients") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await api.SendAsync(request, Ct);

        await ShouldBeTooLargeAsync(response, "1 MB");
        (await ClientCountAsync(api)).ShouldBe(before);
    }

    [Fact]
    public async Task BillingSheet_OverFiveMegabytes_Is413_AndImportsNothing()
    {
        using var api = app.ApiClient(DemoSeeder.DemoApiKey);
        var before = await ClientCountAsync(api);
        var csv = new StringBuilder("Client,Hourly Rate,Accounting Customer,Notes,Managed Workstation\n");
        for (var row = 0; csv.Length <= 5 * 1024 * 1024 + 1000; row++)
        {
            csv.Append("Oversized Client ").Append(row).Append(",150,,").Append(new string('n', 200)).Append(",3\n");
        }

        foreach (var chunked in new[] { false, true })
        {
            var bytes = Encoding.UTF8.GetBytes(csv.ToString());
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new("text/csv");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports/billing-sheet?commit=true") { Content = content };
            request.Headers.TransferEncodingChunked = chunked;

            var response = await api.SendAsync(request, Ct);

            await ShouldBeTooLargeAsync(response, "5 MB");
        }

        (await ClientCountAsync(api)).ShouldBe(before);
    }

    [Fact]
    public async Task TimeEntryBatch_OverOneMegabyte_IsTakenUpToItsOwnLimit()
    {
        using var api = app.ApiClient(DemoSeeder.DemoApiKey);
        // 2,000 entries with long notes (~1.5 MB): more than a JSON body's 1 MB, within the batch's 5 MB. They name no
        // ticket, so each is answered invalid — the point is that the batch is read and answered entry by entry.
        var entries = Enumerable.Range(0, 2000).Select(i => new { externalId = $"big-{i}", minutes = 15, notes = new string('n', 700) }).ToArray();

        var response = await api.PostAsJsonAsync("/api/v1/time-entries/batch", new { entries }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("items").GetArrayLength().ShouldBe(2000);
    }

    private static async Task ShouldBeTooLargeAsync(HttpResponseMessage response, string limit)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("status").GetInt32().ShouldBe(413);
        problem.GetProperty("detail").GetString()!.ShouldContain(limit);
    }

    private static async Task<int> ClientCountAsync(HttpClient api) =>
        (await api.GetFromJsonAsync<JsonElement>("/api/v1/clients?pageSize=1", Ct)).GetProperty("total").GetInt32();
}
