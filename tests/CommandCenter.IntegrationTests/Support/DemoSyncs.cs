using System.Net.Http.Json;
using System.Text.Json;

namespace CommandCenter.IntegrationTests.Support;

public static class DemoSyncs
{
    /// <summary>Waits until every demo connection has finished its first sync (they start when the app does), through the API.</summary>
    public static async Task WaitForFirstAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var body = await http.GetFromJsonAsync<JsonElement>("/api/v1/vendor-connections", cancellationToken);
            var statuses = body.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("health").GetProperty("status").GetString()).ToList();
            if (statuses.Count > 0 && statuses.All(s => s is "succeeded" or "failed"))
            {
                return;
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new TimeoutException("The demo connections did not finish their first sync: " + string.Join(", ", statuses));
            }

            await Task.Delay(250, cancellationToken);
        }
    }
}
