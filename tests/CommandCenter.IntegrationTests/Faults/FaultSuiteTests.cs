using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.Simulators;
using CommandCenter.Simulators.World;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Faults;

/// <summary>
/// Issue 8, item 7: well over 1,000 vendor calls through the real Refit clients and Polly pipelines of the five demo
/// connections, against the in-app simulators, with 429 (with Retry-After), 500, 503, timeouts, malformed JSON and
/// truncated pages mixed in at random. After every sync: it succeeded with exactly the counts of a clean sync, or it is
/// recorded failed with its error and every organisation's newest snapshot is the one from before (same id, same count)
/// — never a snapshot from a half-read list. At the end, with the faults gone, every connection converges.
/// </summary>
public sealed class FaultSuiteTests(FaultAppFactory app) : IClassFixture<FaultAppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly (string Name, Func<string, FaultSpec> Make)[] Kinds =
    [
        ("429", v => new FaultSpec(v, FaultKind.TooManyRequests, RetryAfterSeconds: 0)),
        ("429 Retry-After 1 s", v => new FaultSpec(v, FaultKind.TooManyRequests, RetryAfterSeconds: 1)),
        ("500", v => new FaultSpec(v, FaultKind.ServerError)),
        ("503", v => new FaultSpec(v, FaultKind.ServiceUnavailable)),
        ("timeout", v => new FaultSpec(v, FaultKind.Timeout, DelaySeconds: 3)),
        ("malformed", v => new FaultSpec(v, FaultKind.Malformed)),
        ("truncated", v => new FaultSpec(v, FaultKind.Truncated)),
    ];

    [Fact]
    public async Task Syncs_WithFaultsMixedIntoOverAThousandCalls_ConvergeOrFailVisiblyKeepingTheGoodSnapshots()
    {
        await app.WaitForFirstSyncsAsync(Ct);
        var world = app.Services.GetRequiredService<SimulatorWorld>();
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        var connections = (await http.GetFromJsonAsync<JsonElement>("/api/v1/vendor-connections", Ct)).GetProperty("items").EnumerateArray().ToList();
        connections.Count.ShouldBe(5);

        // Small pages (many calls per sync), a 1 s attempt timeout, four retries, no client-side rate limit.
        foreach (var c in connections)
        {
            var update = await http.PutAsJsonAsync($"/api/v1/vendor-connections/{Id(c)}", new
            {
                kind = c.GetProperty("kind").GetString(), name = c.GetProperty("name").GetString(), baseUrl = c.GetProperty("baseUrl").GetString(),
                tokenUrl = c.GetProperty("tokenUrl").GetString(), inventoryPath = c.GetProperty("inventoryPath").GetString(),
                scheduleMinutes = 1440, enabled = true, pageSize = 10, timeoutSeconds = 1, maxRetries = 4, requestsPerMinute = 100_000,
            }, Ct);
            update.StatusCode.ShouldBe(HttpStatusCode.OK, await update.Content.ReadAsStringAsync(Ct));
        }

        // The truth: what a clean sync of each connection counts.
        world.Faults.Clear();
        var truth = new Dictionary<Guid, Dictionary<string, decimal>>();
        foreach (var c in connections)
        {
            (await SyncAsync(http, Id(c))).GetProperty("status").GetString().ShouldBe("succeeded");
            truth[Id(c)] = Counts(await SnapshotsAsync(http, Id(c)));
            truth[Id(c)].ShouldNotBeEmpty();
        }

        var random = new Random(20261126);
        var callsBefore = app.SimulatorCalls;
        var injected = new Dictionary<string, int>();
        int syncs = 0, succeeded = 0, failed = 0;
        var problems = new List<string>();
        for (var round = 0; round < 40 && (app.SimulatorCalls - callsBefore < 1_000 || round < 8); round++)
        {
            foreach (var c in connections)
            {
                var id = Id(c);
                var vendor = c.GetProperty("kind").GetString()!;
                var before = await SnapshotsAsync(http, id);
                var queued = new List<(string Name, FaultSpec Spec)>();
                for (var i = random.Next(1, 6); i > 0; i--)
                {
                    var (name, make) = Kinds[random.Next(Kinds.Length)];
                    queued.Add((name, make(vendor)));
                    world.Faults.Enqueue(queued[^1].Spec);
                }

                var outcome = await SyncAsync(http, id);
                syncs++;
                // Faults a sync did not reach (it failed before) are not counted as injected.
                var left = world.Faults.Pending.Sum(p => p.Remaining);
                world.Faults.Clear();
                foreach (var (name, _) in queued.Take(queued.Count - left))
                {
                    injected[name] = injected.GetValueOrDefault(name) + 1;
                }

                var after = await SnapshotsAsync(http, id);
                var status = outcome.GetProperty("status").GetString();
                var label = $"round {round} {vendor} with [{string.Join(", ", queued.Select(q => q.Name))}]";
                if (status == "succeeded")
                {
                    succeeded++;
                    if (!SameCounts(Counts(after), truth[id]))
                    {
                        problems.Add($"{label}: succeeded with counts that differ from a clean sync");
                    }
                }
                else if (status == "failed")
                {
                    failed++;
                    if (string.IsNullOrWhiteSpace(outcome.GetProperty("error").GetString()))
                    {
                        problems.Add($"{label}: failed without an error");
                    }

                    if (!SameSnapshots(before, after))
                    {
                        problems.Add($"{label}: failed but changed the newest snapshots");
                    }

                    var health = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/vendor-connections/{id}", Ct)).GetProperty("health");
                    if (health.GetProperty("status").GetString() != "failed" || string.IsNullOrWhiteSpace(health.GetProperty("lastError").GetString()))
                    {
                        problems.Add($"{label}: failed but the connection's health does not show it");
                    }
                }
                else
                {
                    problems.Add($"{label}: ended as {status}");
                }
            }
        }

        // The faults gone (and any open circuit closed again: 1 s in this app), every connection converges to the clean counts.
        world.Faults.Clear();
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
        foreach (var c in connections)
        {
            var outcome = await SyncAsync(http, Id(c));
            outcome.GetProperty("status").GetString().ShouldBe("succeeded", outcome.ToString());
            SameCounts(Counts(await SnapshotsAsync(http, Id(c))), truth[Id(c)]).ShouldBeTrue();
        }

        var calls = app.SimulatorCalls - callsBefore;
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"Fault suite: {calls} vendor calls, {injected.Values.Sum()} faults injected ("
            + string.Join(", ", injected.OrderBy(k => k.Key).Select(k => $"{k.Key} ×{k.Value}")) + $"); {syncs} syncs: {succeeded} succeeded with the clean counts, {failed} failed visibly with the previous snapshots kept");
        foreach (var p in problems)
        {
            output?.WriteLine("PROBLEM " + p);
        }

        problems.ShouldBeEmpty();
        calls.ShouldBeGreaterThanOrEqualTo(1_000);
        injected.Keys.Count.ShouldBe(Kinds.Length, "every kind of fault was injected at least once");
        failed.ShouldBeGreaterThan(0);
        succeeded.ShouldBeGreaterThan(0);
    }

    private static Guid Id(JsonElement connection) => connection.GetProperty("id").GetGuid();

    private static async Task<JsonElement> SyncAsync(HttpClient http, Guid connectionId)
    {
        var response = await http.PostAsync($"/api/v1/vendor-connections/{connectionId}/sync?wait=true", null, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The newest snapshot of every organisation and metric: (org, metric) → (snapshot id, count).</summary>
    private static async Task<Dictionary<string, (Guid Id, decimal Count)>> SnapshotsAsync(HttpClient http, Guid connectionId)
    {
        var body = await http.GetFromJsonAsync<JsonElement>($"/api/v1/vendor-connections/{connectionId}/snapshots?pageSize=1000", Ct);
        body.GetProperty("total").GetInt32().ShouldBeLessThanOrEqualTo(1000);
        return body.GetProperty("items").EnumerateArray().ToDictionary(
            s => s.GetProperty("organizationExternalId").GetString() + "/" + s.GetProperty("metric").GetString(),
            s => (s.GetProperty("id").GetGuid(), s.GetProperty("count").GetDecimal()));
    }

    private static Dictionary<string, decimal> Counts(Dictionary<string, (Guid Id, decimal Count)> snapshots) =>
        snapshots.ToDictionary(s => s.Key, s => s.Value.Count);

    private static bool SameCounts(Dictionary<string, decimal> a, Dictionary<string, decimal> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static bool SameSnapshots(Dictionary<string, (Guid Id, decimal Count)> a, Dictionary<string, (Guid Id, decimal Count)> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
