using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CommandCenter.VendorSync;

/// <summary>Runs once the app listens, before the first sync is scheduled (the demo points its connections at the in-app simulators here).</summary>
public interface IBeforeSyncSchedule
{
    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// When the app has started: closes syncs a previous process left "running" (they died with it), then schedules every
/// enabled connection of every tenant. With a persistent (clustered) job store the schedule survives restarts: a trigger
/// already stored for the same interval is kept, and jobs of connections deleted meanwhile are removed.
/// </summary>
public sealed class SyncBootstrapper(
    IHostApplicationLifetime lifetime,
    IServiceScopeFactory scopes,
    IDbContextFactory<AppDbContext> factory,
    SyncScheduler scheduler,
    TimeProvider time,
    ILogger<SyncBootstrapper> logger,
    Scheduling.SchedulerOptions? scheduling = null) : BackgroundService
{
    /// <summary>With several instances (clustered), how often syncs whose instance died are looked for.</summary>
    public static readonly TimeSpan ClusteredSweepInterval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        try
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                foreach (var hook in scope.ServiceProvider.GetServices<IBeforeSyncSchedule>())
                {
                    await hook.RunAsync(stoppingToken);
                }
            }

            var clustered = scheduling?.Clustered == true;
            // One instance: whatever was "running" died with the previous process. Several: only syncs whose lease no
            // live instance renews any more (a running sync holds "sync:{connection}" and renews it while it runs).
            await MarkInterruptedAsync(onlyWithoutLiveLease: clustered, stoppingToken);

            await using var db = factory.CreateDbContext();
            // Start-up works across tenants: each connection is then scheduled as its own tenant's job.
            var connections = await db.VendorConnections.IgnoreQueryFilters([AppDbContext.TenantFilter]).AsNoTracking().ToListAsync(stoppingToken);

            await scheduler.RemoveOthersAsync(connections.Select(c => c.Id).ToList(), stoppingToken);
            foreach (var connection in connections)
            {
                await scheduler.ScheduleAsync(connection, keepExisting: true, stoppingToken);
            }

            logger.LogInformation("Scheduled {Count} vendor connections", connections.Count(c => c.Enabled));
            if (clustered)
            {
                // An instance that dies mid-sync leaves its run "running" while the others live on: sweep now and then.
                using var sweep = new PeriodicTimer(ClusteredSweepInterval, time);
                while (await sweep.WaitForNextTickAsync(stoppingToken))
                {
                    try
                    {
                        await MarkInterruptedAsync(onlyWithoutLiveLease: true, stoppingToken);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogWarning(e, "Could not sweep interrupted vendor syncs; trying again in {Interval}", ClusteredSweepInterval);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not schedule vendor syncs at start-up");
        }
    }

    /// <summary>
    /// Marks syncs still "running" as failed (interrupted), keeping the previous counts: all of them (one instance, at
    /// start-up), or only those whose sync lease has run out (several instances: its holder died).
    /// </summary>
    public async Task<int> MarkInterruptedAsync(bool onlyWithoutLiveLease, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var now = time.GetUtcNow().UtcDateTime;
        // Across tenants: start-up and the sweep serve every tenant's connections. The running ones are read before the
        // leases, and each is marked only if it is still the same run: one that finished or restarted meanwhile is left.
        var running = await db.VendorConnections.IgnoreQueryFilters([AppDbContext.TenantFilter]).AsNoTracking()
            .Where(c => c.LastStatus == SyncStatus.Running)
            .Select(c => new { c.Id, c.LastSyncStartedUtc })
            .ToListAsync(cancellationToken);
        if (onlyWithoutLiveLease && running.Count > 0)
        {
            var live = (await db.Leases.Where(l => l.Key.StartsWith("sync:") && l.ExpiresUtc >= now).Select(l => l.Key).ToListAsync(cancellationToken))
                .ToHashSet(StringComparer.Ordinal);
            running = running.Where(c => !live.Contains(SyncConnection.Handler.LeaseKey(c.Id))).ToList();
        }

        var marked = 0;
        foreach (var c in running)
        {
            var updated = await db.VendorConnections.IgnoreQueryFilters([AppDbContext.TenantFilter])
                .Where(x => x.Id == c.Id && x.LastStatus == SyncStatus.Running && x.LastSyncStartedUtc == c.LastSyncStartedUtc)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(x => x.LastStatus, SyncStatus.Failed)
                    .SetProperty(x => x.LastFailureUtc, now)
                    .SetProperty(x => x.LastError, "The sync was interrupted (the app stopped); previous counts were kept."), cancellationToken);
            if (updated == 0)
            {
                continue;
            }

            marked++;
            await db.SyncRuns.IgnoreQueryFilters([AppDbContext.TenantFilter])
                .Where(r => r.ConnectionId == c.Id && r.Status == SyncStatus.Running && (c.LastSyncStartedUtc == null || r.StartedUtc <= c.LastSyncStartedUtc))
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, SyncStatus.Failed).SetProperty(r => r.Error, "Interrupted by a restart.").SetProperty(r => r.FinishedUtc, now), cancellationToken);
        }

        if (marked > 0)
        {
            logger.LogWarning("{Count} vendor syncs marked interrupted", marked);
        }

        return marked;
    }
}
