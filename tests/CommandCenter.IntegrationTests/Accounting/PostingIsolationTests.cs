using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Billing;
using CommandCenter.IntegrationTests.Support;

namespace CommandCenter.IntegrationTests.Accounting;

/// <summary>
/// Posting stays inside its tenant: once the demo tenant's month is posted, the other tenant's API key sees none of its
/// documents, cannot post or correct with its ids, and does not see its accounting connection.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PostingIsolationTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OtherTenant_SeesAndChangesNothingOfThePostedMonth()
    {
        await DemoReady.HistoryAsync(app, Ct);
        using var demo = app.ApiClient(DemoSeeder.DemoApiKey);
        using var other = app.ApiClient(DemoSeeder.OtherApiKey);
        await DemoMonth.DecideAndApproveAllAsync(demo, Ct);
        (await demo.PostAsJsonAsync($"/api/v1/billing-runs/{DemoMonth.Period()}/post", new { }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var posted = await DemoMonth.WaitPostingAsync(demo, s => s.GetProperty("locked").GetBoolean(), TimeSpan.FromMinutes(2), Ct);
        var invoiceId = posted.GetProperty("documents")[0].GetProperty("invoiceId").GetGuid();
        var period = DemoMonth.Period();

        // Before the other tenant opens its own month there is nothing of this month for it at all.
        (await other.GetAsync($"/api/v1/billing-runs/{period}/posting", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetAsync("/api/v1/accounting-connection", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetAsync($"/api/v1/billing-runs/{period}", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK); // opens its own 3-client month
        var own = await (await other.GetAsync($"/api/v1/billing-runs/{period}/posting", Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        own.GetProperty("documents").GetArrayLength().ShouldBe(0);
        own.GetProperty("locked").GetBoolean().ShouldBeFalse();

        var post = await other.PostAsJsonAsync($"/api/v1/billing-runs/{period}/post", new { invoiceIds = new[] { invoiceId } }, Ct);
        var correct = await other.PostAsJsonAsync($"/api/v1/billing-runs/{period}/corrections",
            new { invoiceId, kind = "credit-memo", lines = new[] { new { description = "probe", quantity = 1, unitPrice = 1 } }, reason = "probe" }, Ct);
        var export = await other.GetAsync($"/api/v1/billing-runs/{period}/exports/{Guid.NewGuid()}", Ct);

        ((int)post.StatusCode).ShouldBeInRange(400, 499);
        ((int)correct.StatusCode).ShouldBeInRange(400, 499);
        export.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        foreach (var body in new[] { post, correct })
        {
            (await body.Content.ReadAsStringAsync(Ct)).ShouldNotContain(posted.GetProperty("documents")[0].GetProperty("clientName").GetString()!);
        }

        var after = await DemoMonth.PostingAsync(demo, Ct);
        after.GetProperty("locked").GetBoolean().ShouldBeTrue();
        after.GetProperty("corrections").GetArrayLength().ShouldBe(0);
        after.GetProperty("runStatus").GetString().ShouldBe("posted");
    }
}
