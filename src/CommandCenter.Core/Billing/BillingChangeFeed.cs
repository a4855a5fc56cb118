using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Billing;

/// <summary>
/// Live updates across instances: every run carries a version bumped by each change (refresh, landed sync, adjustment,
/// approval, posting), so this instance polls the versions of the current and previous month's runs of every tenant and
/// publishes a <see cref="BillingChange"/> for each one that moved — whichever instance made the change. Pages on this
/// instance then reload as they do for a local change (they ignore a version they already show, so a change made here
/// and seen again by the poll costs nothing).
/// </summary>
public sealed class BillingChangeFeed(IDbContextFactory<AppDbContext> factory, BillingEvents events, TimeProvider time, ILogger<BillingChangeFeed> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly Dictionary<Guid, long> _versions = [];
    private bool _primed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PollOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Billing change feed: polling run versions failed; retrying in {Interval}", Interval);
            }
        }
    }

    /// <summary>Reads the run versions once and publishes the runs that moved since the last read (the first read only records them).</summary>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        var since = BillingPeriod.Of(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)).Previous.Start;
        List<(Guid Id, Guid TenantId, DateOnly Period, long Version)> runs;
        await using (var db = factory.CreateDbContext())
        {
            // Every tenant's recent runs: the feed serves all circuits of this instance, each filtered by its own tenant.
            runs = [.. (await db.BillingRuns.IgnoreQueryFilters([AppDbContext.TenantFilter]).AsNoTracking().Where(r => r.Period >= since)
                .Select(r => new { r.Id, r.TenantId, r.Period, r.Version }).ToListAsync(cancellationToken))
                .Select(r => (r.Id, r.TenantId, r.Period, r.Version))];
        }

        var published = 0;
        foreach (var run in runs)
        {
            var moved = !_versions.TryGetValue(run.Id, out var known) || run.Version > known;
            _versions[run.Id] = run.Version;
            if (_primed && moved)
            {
                events.Publish(new BillingChange(run.TenantId, run.Period, run.Version, [], "changed"));
                published++;
            }
        }

        // Months that left the window are forgotten (the map stays the size of two months of runs).
        foreach (var gone in _versions.Keys.Except(runs.Select(r => r.Id)).ToList())
        {
            _versions.Remove(gone);
        }

        _primed = true;
        return published;
    }
}
