using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Simulators;

namespace CommandCenter.IntegrationTests.Accounting;

/// <summary>
/// Crash safety of "Post all" (issue 6): the app is its own process, posting the demo month's 40 invoices to the
/// Conductor simulator running as another process; the app is killed (SIGKILL) in the middle of the batch and started
/// again on the same database. After it resumes, QuickBooks (the simulator) holds exactly 40 invoices, none twice.
/// </summary>
[Collection(BrowserCollection.Name)] // one heavy end-to-end test at a time on a 2-core machine
public sealed class PostingKillTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PostAll_AppKilledMidBatchAndRestarted_TargetHoldsEachInvoiceExactlyOnce()
    {
        var dir = Directory.CreateTempSubdirectory("cc-kill-");
        var simPort = AppFactory.FreePort();
        var appPort = AppFactory.FreePort();
        var simBase = new Uri($"http://127.0.0.1:{simPort}");
        var appBase = new Uri($"http://127.0.0.1:{appPort}");
        // Another prefix than the in-app simulators' /sim: the demo re-points /sim URLs on loopback at the app itself at start-up.
        await using var simulator = ProcessHost.Start("CommandCenter.Simulators",
            ["--urls", simBase.ToString(), "--Simulators:Prefix", "/books", "--Simulators:AccountingLatencyMs", "150"]);
        await simulator.WaitUntilAnswersAsync(new Uri(simBase, "/books/"), TimeSpan.FromMinutes(1), Ct);

        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Database__Provider"] = "Sqlite",
            ["Database__ConnectionString"] = $"Data Source={Path.Combine(dir.FullName, "app.db")}",
            ["Demo__DriftMinutes"] = "0",
        };
        var app = ProcessHost.Start("CommandCenter.Web", ["--urls", appBase.ToString()], environment);
        try
        {
            await app.WaitUntilAnswersAsync(new Uri(appBase, "/healthz"), TimeSpan.FromMinutes(2), Ct);
            using var http = new HttpClient { BaseAddress = appBase, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Add("X-Api-Key", DemoSeeder.DemoApiKey);
            using var books = new HttpClient { BaseAddress = simBase };

            await DemoMonth.DecideAndApproveAllAsync(http, Ct);
            var pointed = await http.PutAsJsonAsync("/api/v1/accounting-connection", new
            {
                kind = "conductor",
                baseUrl = new Uri(simBase, "/books/conductor/v1").ToString(),
                timeoutSeconds = 10,
                credentials = new { secretKey = AccountingSimulatorCredentials.ConductorSecretKey, endUserId = AccountingSimulatorCredentials.ConductorEndUserId },
            }, Ct);
            pointed.StatusCode.ShouldBe(HttpStatusCode.OK, await pointed.Content.ReadAsStringAsync(Ct));

            var queued = await (await http.PostAsJsonAsync($"/api/v1/billing-runs/{DemoMonth.Period()}/post", new { }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
            queued.GetProperty("queued").GetInt32().ShouldBe(40, queued.ToString());
            var before = await DemoMonth.WaitPostingAsync(http, s => s.GetProperty("posted").GetInt32() >= 5, TimeSpan.FromMinutes(2), Ct);
            await app.KillAsync();

            var heldAtKill = (await InvoicesAsync(books)).Count;
            heldAtKill.ShouldBeInRange(5, 39, $"the kill must land mid-batch (posted {before.GetProperty("posted").GetInt32()} when it was decided)");
            output.WriteLine($"Killed with {before.GetProperty("posted").GetInt32()} of 40 recorded as posted; the simulated company file held {heldAtKill}.");
            var restarted = System.Diagnostics.Stopwatch.StartNew();

            app = ProcessHost.Start("CommandCenter.Web", ["--urls", appBase.ToString()], environment);
            await app.WaitUntilAnswersAsync(new Uri(appBase, "/healthz"), TimeSpan.FromMinutes(2), Ct);
            var after = await DemoMonth.WaitPostingAsync(http, s => s.GetProperty("locked").GetBoolean(), TimeSpan.FromMinutes(3), Ct);

            after.GetProperty("posted").GetInt32().ShouldBe(40, DemoMonth.Summary(after));
            output.WriteLine($"Restarted; all 40 posted and the month locked {restarted.Elapsed.TotalSeconds:0.0} s after the restart began.");
            var held = await InvoicesAsync(books);
            held.Count.ShouldBe(40);
            held.Select(i => i.GetProperty("externalId").GetString()).Distinct().Count().ShouldBe(40);
            held.Select(i => i.GetProperty("refNumber").GetString()).Distinct().Count().ShouldBe(40);
            var documents = after.GetProperty("documents").EnumerateArray().ToList();
            documents.Select(d => d.GetProperty("externalId").GetString()).Order()
                .ShouldBe(held.Select(i => i.GetProperty("id").GetString()).Order()); // each posted invoice knows its id in QuickBooks
        }
        finally
        {
            await app.DisposeAsync();
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
                // SQLite may hold the file a moment longer; the OS cleans temp.
            }
        }
    }

    /// <summary>Every invoice and credit memo the simulated company file holds.</summary>
    private static async Task<List<JsonElement>> InvoicesAsync(HttpClient books)
    {
        var body = await books.GetFromJsonAsync<JsonElement>("/books/_world/conductor/invoices", Ct);
        return [.. (body.ValueKind == JsonValueKind.Array ? body : body.GetProperty("data")).EnumerateArray()];
    }
}
