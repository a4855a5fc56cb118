using CommandCenter.Common;
using CommandCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Tests.Scheduling;

/// <summary>Leases on one database shared by two "instances": one holder at a time, released or run out, renewed while held.</summary>
public sealed class LeasesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TryAcquire_HeldByAnotherInstance_IsRefusedUntilReleased()
    {
        await using var db = await TestDatabase.CreateAsync();
        var (a, b) = (db.NewLeases(), db.NewLeases());

        var held = await a.TryAcquireAsync("posting:t1", cancellationToken: Ct);
        held.ShouldNotBeNull();
        (await b.TryAcquireAsync("posting:t1", cancellationToken: Ct)).ShouldBeNull();
        await using (var other = await b.TryAcquireAsync("posting:t2", cancellationToken: Ct))
        {
            other.ShouldNotBeNull(); // another key is another lease
        }

        await held.DisposeAsync();
        await using var taken = await b.TryAcquireAsync("posting:t1", cancellationToken: Ct);
        taken.ShouldNotBeNull();
    }

    [Fact]
    public async Task TryAcquire_HolderStoppedRenewing_IsTakenOverOnceTheLeaseRunsOut()
    {
        await using var db = await TestDatabase.CreateAsync();
        var b = db.NewLeases();
        // What a holder that died leaves behind: its lease row, renewed for the last time just now.
        await using (var ctx = db.Factory.CreateDbContext())
        {
            ctx.Leases.Add(new Lease { Key = "sync:c1", Holder = "dead-instance", ExpiresUtc = db.Time.GetUtcNow().UtcDateTime.AddMinutes(2) });
            await ctx.SaveChangesAsync(Ct);
        }

        db.Time.Advance(TimeSpan.FromMinutes(1));
        (await b.TryAcquireAsync("sync:c1", cancellationToken: Ct)).ShouldBeNull();

        db.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await using var taken = await b.TryAcquireAsync("sync:c1", cancellationToken: Ct);
        taken.ShouldNotBeNull();
    }

    [Fact]
    public async Task Acquire_WaitsForTheOtherInstanceToRelease()
    {
        await using var db = await TestDatabase.CreateAsync();
        // Real time here: the waiting side polls with real delays.
        var (a, b) = (new Leases(db.Factory, TimeProvider.System, NullLogger<Leases>.Instance), new Leases(db.Factory, TimeProvider.System, NullLogger<Leases>.Instance));
        var held = await a.AcquireAsync("demo:seed", cancellationToken: Ct);

        var waiting = b.AcquireAsync("demo:seed", cancellationToken: Ct);
        await Task.Delay(300, Ct);
        waiting.IsCompleted.ShouldBeFalse();

        await held.DisposeAsync();
        await using var second = await waiting.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        second.ShouldNotBeNull();
    }

    [Fact]
    public async Task Held_IsRenewedWhileItsHolderLives()
    {
        await using var db = await TestDatabase.CreateAsync();
        var ttl = TimeSpan.FromSeconds(3);
        var (a, b) = (new Leases(db.Factory, TimeProvider.System, NullLogger<Leases>.Instance), new Leases(db.Factory, TimeProvider.System, NullLogger<Leases>.Instance));
        await using var held = await a.TryAcquireAsync("posting:t1", ttl, Ct);
        held.ShouldNotBeNull();

        // Twice the lease's life later it is still a's: renewed (every second) rather than run out.
        await Task.Delay(ttl * 2, Ct);
        (await b.TryAcquireAsync("posting:t1", ttl, Ct)).ShouldBeNull();
    }
}
