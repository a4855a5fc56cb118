using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Billing;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Persistence;
using CommandCenter.Simulators;
using CommandCenter.Simulators.World;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Accounting;

/// <summary>
/// A timeout after commit (issue 6): QuickBooks Desktop (the Conductor simulator) creates three of the demo month's
/// invoices but the answers never arrive in time. Those three are left uncertain, read back, and recorded as posted —
/// the company file holds each invoice once.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PostingTimeoutTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PostAll_TimeoutAfterCommitOnThreeInvoices_TheyArePostedByReadBackNotDuplicated()
    {
        await DemoReady.HistoryAsync(app, Ct);
        using var http = app.ApiClient(DemoSeeder.DemoApiKey);
        await DemoMonth.DecideAndApproveAllAsync(http, Ct);
        var connection = await http.GetFromJsonAsync<JsonElement>("/api/v1/accounting-connection", Ct);
        var shorter = await http.PutAsJsonAsync("/api/v1/accounting-connection",
            new { kind = "conductor", baseUrl = connection.GetProperty("baseUrl").GetString(), timeoutSeconds = 5 }, Ct); // credentials kept
        shorter.StatusCode.ShouldBe(HttpStatusCode.OK, await shorter.Content.ReadAsStringAsync(Ct));
        var world = app.Services.GetRequiredService<SimulatorWorld>();
        var before = world.Conductor.Transactions.Count;
        world.Faults.Enqueue(new FaultSpec("conductor", FaultKind.CommitTimeout, Count: 3, PathContains: "/invoices", DelaySeconds: 30));

        var queued = await (await http.PostAsJsonAsync($"/api/v1/billing-runs/{DemoMonth.Period()}/post", new { }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var sawUncertain = await DemoMonth.WaitPostingAsync(http, s => s.GetProperty("uncertain").GetInt32() > 0, TimeSpan.FromMinutes(1), Ct);
        var done = await DemoMonth.WaitPostingAsync(http, s => s.GetProperty("locked").GetBoolean(), TimeSpan.FromMinutes(3), Ct);

        queued.GetProperty("queued").GetInt32().ShouldBe(40);
        sawUncertain.GetProperty("documents").EnumerateArray().First(d => d.GetProperty("state").GetString() == "uncertain")
            .GetProperty("error").GetString()!.ShouldContain("read back");
        done.GetProperty("posted").GetInt32().ShouldBe(40, DemoMonth.Summary(done));
        var created = world.Conductor.Transactions.Skip(before).ToList();
        created.Count.ShouldBe(40);
        created.Select(t => t.ExternalId).Distinct().Count().ShouldBe(40);
        world.Faults.Pending.ShouldBeEmpty();
        // Each document was sent once: the three timed-out ones were found by read-back, not sent again.
        done.GetProperty("documents").EnumerateArray().ShouldAllBe(d => d.GetProperty("attempts").GetInt32() == 1);
        await using var db = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
        var readBack = await db.AuditEntries.IgnoreQueryFilters([AppDbContext.TenantFilter])
            .CountAsync(a => a.Action == "accounting.posted" && a.After!.Contains("\"foundByReadBack\":true"), Ct);
        readBack.ShouldBe(3);
    }
}
