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

    /// <summary>Every connection synced and last month recorded as posted.</summary>
    public static async Task HistoryAsync(AppFactory app, CancellationToken cancellationToken)
    {
        await SyncAllAsync(app, cancellationToken);
        await app.Services.GetRequiredService<DemoBillingHistory>().Ready.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
    }
}
