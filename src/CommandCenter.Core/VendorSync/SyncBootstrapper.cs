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
    /// <summary>
    /// With several instances (clustered), a sync "running" for longer than this is taken for one whose instance died:
    /// any shorter and a live instance's sync could be marked interrupted under it.
    /// </summary>
    public static readonly TimeSpan ClusteredRunningLimit = TimeSpan.FromMinutes(30);

    private static readonly TimeSpan ClusteredSweepInterval = TimeSpan.FromMinutes(5);

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
            // One instance: whatever was "running" died with the previous process. Several: only what has been running
            // too long to be a live instance's sync.
            await MarkInterruptedAsync(clustered ? ClusteredRunningLimit : TimeSpan.Zero, stoppingToken);

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
                        await MarkInterruptedAsync(ClusteredRunningLimit, stoppingToken);
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

    /// <summary>Marks syncs still "running" that started more than <paramref name="olderThan"/> ago as failed (interrupted), keeping the previous counts.</summary>
    public async Task<int> MarkInterruptedAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        await using var db = factory.CreateDbContext();
        var now = time.GetUtcNow().UtcDateTime;
        var before = now - olderThan;
        // Across tenants: start-up and the sweep serve every tenant's connections.
        var interrupted = await db.VendorConnections.IgnoreQueryFilters([AppDbContext.TenantFilter])
            .Where(c => c.LastStatus == SyncStatus.Running && (olderThan == TimeSpan.Zero || c.LastSyncStartedUtc == null || c.LastSyncStartedUtc < before))
            .ToListAsync(cancellationToken);
        if (interrupted.Count == 0)
        {
            return 0;
        }

        foreach (var c in interrupted)
        {
            c.LastStatus = SyncStatus.Failed;
            c.LastFailureUtc = now;
            c.LastError = "The sync was interrupted (the app stopped); previous counts were kept.";
        }

        var ids = interrupted.Select(c => c.Id).ToList();
        await db.SyncRuns.IgnoreQueryFilters([AppDbContext.TenantFilter])
            .Where(r => ids.Contains(r.ConnectionId) && r.Status == SyncStatus.Running && (olderThan == TimeSpan.Zero || r.StartedUtc < before))
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, SyncStatus.Failed).SetProperty(r => r.Error, "Interrupted by a restart.").SetProperty(r => r.FinishedUtc, now), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogWarning("{Count} vendor syncs marked interrupted (running since before {Before:u})", interrupted.Count, before);
        return interrupted.Count;
    }
}
