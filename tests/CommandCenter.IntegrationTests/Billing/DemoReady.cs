using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Billing;

/// <summary>
/// Billing tests need every demo connection synced (and last month posted, which waits for those syncs). They sync
/// each connection explicitly and wait for it: on a loaded machine a scheduled first sync can be skipped as a Quartz
/// misfire and not run again for a whole interval.
/// </summary>
internal static class DemoReady
{
    public static async Task SyncAllAsync(AppFactory app, CancellationToken cancellationToken)
    {
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var connections = await http.GetFromJsonAsync<JsonElement>("/api/v1/vendor-connections", cancellationToken);
        foreach (var connection in connections.GetProperty("items").EnumerateArray())
        {
            var response = await http.PostAsync($"/api/v1/vendor-connections/{connection.GetProperty("id").GetGuid()}/sync?wait=true", null, cancellationToken);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }

    /// <summary>
    /// The demo tenant's accounting connection imported and mapped (done once at start-up, next to the first requests):
    /// a test that changes the connection waits for it, or the start-up import could land after its change.
    /// </summary>
    public static async Task AccountingAsync(AppFactory app, CancellationToken cancellationToken)
    {
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var connection = await http.GetFromJsonAsync<JsonElement>("/api/v1/accounting-connection", cancellationToken);
            if (connection.TryGetProperty("imported", out var imports) && imports.GetProperty("customersImportedUtc").ValueKind == JsonValueKind.String
                && connection.GetProperty("fallbackItemId").ValueKind == JsonValueKind.String)
            {
                return;
            }

            if (waited.Elapsed > TimeSpan.FromMinutes(1))
            {
                throw new TimeoutException("The demo's accounting connection was not imported and mapped at start-up: " + connection);
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Every connection synced and last month recorded as posted.</summary>
    public static async Task HistoryAsync(AppFactory app, CancellationToken cancellationToken)
    {
        await SyncAllAsync(app, cancellationToken);
        await app.Services.GetRequiredService<DemoBillingHistory>().Ready.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
    }
}
