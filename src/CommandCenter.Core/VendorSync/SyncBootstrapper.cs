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
    ILogger<SyncBootstrapper> logger) : BackgroundService
{
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

            await using var db = factory.CreateDbContext();
            // Start-up works across tenants: each connection is then scheduled as its own tenant's job.
            var connections = await db.VendorConnections.IgnoreQueryFilters([AppDbContext.TenantFilter]).ToListAsync(stoppingToken);
            var interrupted = connections.Where(c => c.LastStatus == SyncStatus.Running).ToList();
            if (interrupted.Count > 0)
            {
                var now = time.GetUtcNow().UtcDateTime;
                foreach (var c in interrupted)
                {
                    c.LastStatus = SyncStatus.Failed;
                    c.LastFailureUtc = now;
                    c.LastError = "The sync was interrupted (the app stopped); previous counts were kept.";
                }

                var ids = interrupted.Select(c => c.Id).ToList();
                await db.SyncRuns.IgnoreQueryFilters([AppDbContext.TenantFilter])
                    .Where(r => ids.Contains(r.ConnectionId) && r.Status == SyncStatus.Running)
                    .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, SyncStatus.Failed).SetProperty(r => r.Error, "Interrupted by a restart.").SetProperty(r => r.FinishedUtc, now), stoppingToken);
                await db.SaveChangesAsync(stoppingToken);
            }

            await scheduler.RemoveOthersAsync(connections.Select(c => c.Id).ToList(), stoppingToken);
            foreach (var connection in connections)
            {
                await scheduler.ScheduleAsync(connection, keepExisting: true, stoppingToken);
            }

            logger.LogInformation("Scheduled {Count} vendor connections", connections.Count(c => c.Enabled));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not schedule vendor syncs at start-up");
        }
    }
}
