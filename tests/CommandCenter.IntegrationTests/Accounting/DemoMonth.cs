using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Billing;

namespace CommandCenter.IntegrationTests.Accounting;

/// <summary>The demo month through the REST API, as an automation would drive it: wait for it, decide its flags, approve it, post it.</summary>
internal static class DemoMonth
{
    public static string Period(TimeProvider? time = null) => BillingPeriod.Of(DateOnly.FromDateTime((time ?? TimeProvider.System).GetUtcNow().UtcDateTime)).ToString();

    /// <summary>Waits until the current month has its 40 invoices and last month is posted (the diff baseline exists).</summary>
    public static async Task<JsonElement> WaitReadyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.GetAsync($"/api/v1/billing-runs/{Period()}?pageSize=1000", cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var run = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                var totals = run.GetProperty("totals");
                if (totals.GetProperty("invoices").GetInt32() == 40 && totals.GetProperty("previousTotal").ValueKind == JsonValueKind.Number)
                {
                    return run;
                }
            }

            if (waited.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException("The demo month did not get its 40 invoices and last month's totals in 3 minutes.");
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>Accepts every flagged line (with a reason) and approves all 40 invoices.</summary>
    public static async Task DecideAndApproveAllAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var run = await WaitReadyAsync(http, cancellationToken);
        foreach (var invoice in run.GetProperty("invoices").GetProperty("items").EnumerateArray())
        {
            foreach (var line in invoice.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("needsDecision").GetBoolean()))
            {
                var decided = await http.PostAsJsonAsync($"/api/v1/billing-runs/{Period()}/invoices/{invoice.GetProperty("id").GetGuid()}/adjustments",
                    new { lineKey = line.GetProperty("key").GetString(), decision = "accept", reason = "Checked with the client" }, cancellationToken);
                decided.StatusCode.ShouldBe(HttpStatusCode.OK, await decided.Content.ReadAsStringAsync(cancellationToken));
            }
        }

        var approved = await (await http.PostAsJsonAsync($"/api/v1/billing-runs/{Period()}/approve", new { }, cancellationToken)).Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        approved.GetProperty("skipped").GetArrayLength().ShouldBe(0, approved.ToString());
    }

    public static async Task<JsonElement> PostingAsync(HttpClient http, CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<JsonElement>($"/api/v1/billing-runs/{Period()}/posting", cancellationToken);

    /// <summary>Polls the posting status until <paramref name="done"/> holds.</summary>
    public static async Task<JsonElement> WaitPostingAsync(HttpClient http, Func<JsonElement, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var status = await PostingAsync(http, cancellationToken);
            if (done(status))
            {
                return status;
            }

            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException("Posting did not reach the expected state: " + Summary(status));
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    public static string Summary(JsonElement status) =>
        $"posted {status.GetProperty("posted").GetInt32()}, pending {status.GetProperty("pending").GetInt32()}, posting {status.GetProperty("posting").GetInt32()}, "
        + $"failed {status.GetProperty("failed").GetInt32()}, uncertain {status.GetProperty("uncertain").GetInt32()}, locked {status.GetProperty("locked").GetBoolean()}";
}
