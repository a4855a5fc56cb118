using Microsoft.Extensions.Logging;
using Quartz;

namespace CommandCenter.VendorSync;

/// <summary>
/// One durable Quartz job per connection (key = connection id, group vendor-sync; its data carries the connection's tenant), fired by an interval trigger on the
/// connection's schedule; "Sync now" fires the same job, so a manual and a scheduled sync never run at once.
/// </summary>
public sealed class SyncScheduler(ISchedulerFactory schedulers, TimeProvider time, ILogger<SyncScheduler> logger)
{
    public const string Group = "vendor-sync";

    public static JobKey JobKeyFor(Guid connectionId) => new(connectionId.ToString("N"), Group);

    public static TriggerKey TriggerKeyFor(Guid connectionId) => new(connectionId.ToString("N"), Group);

    public Task ScheduleAsync(VendorConnection connection, CancellationToken cancellationToken = default) =>
        ScheduleAsync(connection, keepExisting: false, cancellationToken);

    /// <param name="keepExisting">
    /// Start-up: a trigger the job store already holds for this schedule (a persistent store after a restart, or another
    /// instance of a cluster that scheduled it first) is kept with its next fire time instead of being replaced.
    /// </param>
    public async Task ScheduleAsync(VendorConnection connection, bool keepExisting, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await EnsureJobAsync(scheduler, connection.TenantId, connection.Id, cancellationToken);
        if (!connection.Enabled)
        {
            await scheduler.UnscheduleJob(TriggerKeyFor(connection.Id), cancellationToken);
            return;
        }

        var interval = TimeSpan.FromMinutes(connection.ScheduleMinutes);
        if (keepExisting && await scheduler.GetTrigger(TriggerKeyFor(connection.Id), cancellationToken) is ISimpleTrigger existing && existing.RepeatInterval == interval)
        {
            logger.LogInformation("Vendor sync {ConnectionId} already scheduled every {Minutes} min, next at {Next:u}", connection.Id, connection.ScheduleMinutes, existing.NextFireTimeUtc);
            return;
        }

        var now = time.GetUtcNow();
        // A connection synced recently waits for its turn; a new or overdue one syncs at once (the demo is warm within a minute).
        var due = connection.LastSuccessUtc is { } last ? new DateTimeOffset(last, TimeSpan.Zero) + interval : now;
        var trigger = TriggerBuilder.Create()
            .WithIdentity(TriggerKeyFor(connection.Id))
            .ForJob(JobKeyFor(connection.Id))
            .UsingJobData(SyncConnectionJob.TriggerKind, "schedule")
            .StartAt(due < now ? now : due)
            // A missed sync (busy machine, app down) fires once as soon as a thread is free — never a backlog, and never
            // a whole interval without counts because the first firing came late.
            .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleJob(trigger, ScheduleJobOptions.Replacing, cancellationToken);
        logger.LogInformation("Vendor sync {ConnectionId} scheduled every {Minutes} min, first at {Due:u}", connection.Id, connection.ScheduleMinutes, trigger.StartTimeUtc);
    }

    public async Task UnscheduleAsync(Guid connectionId, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.DeleteJob(JobKeyFor(connectionId), cancellationToken);
    }

    /// <summary>Deletes the jobs of connections that no longer exist (a persistent job store keeps them across restarts).</summary>
    public async Task RemoveOthersAsync(IReadOnlyCollection<Guid> connectionIds, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        foreach (var key in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(Group), cancellationToken))
        {
            if (!Guid.TryParseExact(key.Name, "N", out var id) || !connectionIds.Contains(id))
            {
                await scheduler.DeleteJob(key, cancellationToken);
                logger.LogInformation("Removed the sync job of vendor connection {Job}, which no longer exists", key.Name);
            }
        }
    }

    /// <summary>Runs the connection's job now (queued behind a running one: the job disallows concurrent runs).</summary>
    public async Task TriggerNowAsync(Guid tenantId, Guid connectionId, string trigger, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await EnsureJobAsync(scheduler, tenantId, connectionId, cancellationToken);
        await scheduler.TriggerJob(JobKeyFor(connectionId), new JobDataMap { [SyncConnectionJob.TriggerKind] = trigger }, cancellationToken);
    }

    public async Task<DateTime?> NextRunUtcAsync(Guid connectionId, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var trigger = await scheduler.GetTrigger(TriggerKeyFor(connectionId), cancellationToken);
        return trigger?.NextFireTimeUtc?.UtcDateTime;
    }

    private static async Task EnsureJobAsync(IScheduler scheduler, Guid tenantId, Guid connectionId, CancellationToken cancellationToken)
    {
        var job = JobBuilder.Create<SyncConnectionJob>()
            .WithIdentity(JobKeyFor(connectionId))
            .UsingJobData(SyncConnectionJob.TenantKey, tenantId.ToString())
            .UsingJobData(SyncConnectionJob.ConnectionKey, connectionId.ToString())
            .StoreDurably()
            .Build();
        await scheduler.AddJob(job, AddJobOptions.Replacing, cancellationToken);
    }
}

/// <summary>Thin: one connection of one tenant per run; failures are recorded on the connection by the handler, never thrown at Quartz.</summary>
[DisallowConcurrentExecution]
public sealed class SyncConnectionJob(SyncConnection.Handler handler, ILogger<SyncConnectionJob> logger) : IJob
{
    public const string TenantKey = "tenantId";
    public const string ConnectionKey = "connectionId";
    public const string TriggerKind = "trigger";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var data = context.MergedJobDataMap;
        var tenantId = Guid.Parse(data.GetString(TenantKey)!);
        var connectionId = Guid.Parse(data.GetString(ConnectionKey)!);
        var trigger = data.GetString(TriggerKind) ?? "schedule";
        try
        {
            await handler.RunAsync(tenantId, connectionId, trigger, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The handler records vendor failures itself; anything reaching here is our own fault (e.g. the database is down).
            logger.LogError(e, "Vendor sync {ConnectionId} of tenant {TenantId} crashed", connectionId, tenantId);
        }
    }
}
