using CommandCenter.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Tests.Billing;

/// <summary>
/// Live updates across instances: a change written to the database by another instance (here: another context, as a
/// second app instance would) reaches this instance's pages through the run's version.
/// </summary>
public sealed class BillingChangeFeedTests
{
    private static readonly BillingPeriod November = new(new DateOnly(2026, 11, 1));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PollOnceAsync_RunChangedByAnotherInstance_PublishesItsNewVersionOnce()
    {
        await using var f = await RunFixture.CreateAsync();
        var view = await f.Runs.OpenAsync(November, Ct);
        var events = new BillingEvents();
        var seen = new List<BillingChange>();
        events.Changed += seen.Add;
        var feed = new BillingChangeFeed(f.Db.Factory, events, f.Db.Time, NullLogger<BillingChangeFeed>.Instance);

        var first = await feed.PollOnceAsync(Ct);          // records what exists
        await using (var other = f.Db.Open())              // "the other instance" approves an invoice
        {
            var run = await other.BillingRuns.SingleAsync(r => r.Id == view.RunId, Ct);
            run.Version++;
            await other.SaveChangesAsync(Ct);
        }

        var second = await feed.PollOnceAsync(Ct);
        var third = await feed.PollOnceAsync(Ct);          // nothing new

        first.ShouldBe(0);
        second.ShouldBe(1);
        third.ShouldBe(0);
        var change = seen.ShouldHaveSingleItem();
        (change.TenantId, change.Period, change.Version).ShouldBe((f.Db.TenantId, November.Start, view.Version + 1));
    }

    [Fact]
    public async Task PollOnceAsync_NewRunOfAnotherTenant_IsPublishedForThatTenant()
    {
        await using var f = await RunFixture.CreateAsync();
        var events = new BillingEvents();
        var seen = new List<BillingChange>();
        events.Changed += seen.Add;
        var feed = new BillingChangeFeed(f.Db.Factory, events, f.Db.Time, NullLogger<BillingChangeFeed>.Instance);
        await feed.PollOnceAsync(Ct);
        var other = await f.Db.AddTenantAsync("Other MSP");
        await using (var ctx = f.Db.Open(other))
        {
            ctx.BillingRuns.Add(new BillingRun { Period = November.Start, CreatedUtc = f.Now, RefreshedUtc = f.Now, Version = 1 });
            await ctx.SaveChangesAsync(Ct);
        }

        (await feed.PollOnceAsync(Ct)).ShouldBe(1);

        seen.ShouldHaveSingleItem().TenantId.ShouldBe(other);
    }
}
