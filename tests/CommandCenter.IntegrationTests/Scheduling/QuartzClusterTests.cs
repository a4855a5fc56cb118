using System.Collections.Concurrent;
using System.Data.Common;
using CommandCenter.Persistence;
using CommandCenter.Scheduling;
using DotNet.Testcontainers.Configurations;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Quartz;
using Testcontainers.MsSql;

namespace CommandCenter.IntegrationTests.Scheduling;

/// <summary>
/// Two app instances' schedulers (same scheduler name, instance id AUTO, the app's own <see cref="QuartzStore"/>
/// configuration) on ONE migrated database: every firing of a repeating trigger runs exactly once across the cluster.
/// </summary>
public sealed class QuartzClusterTests
{
    private const int Repeats = 5; // six fire times, one a second

    [Fact]
    public async Task ClusteredStore_TwoSchedulersOnOneSqliteDatabase_EachFireTimeRunsOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("cc-quartz-cluster-");
        try
        {
            var connectionString = PersistenceModule.ResolveConnectionString(
                new DatabaseOptions { Provider = DatabaseOptions.Providers.Sqlite, ConnectionString = $"Data Source={Path.Combine(dir.FullName, "cluster.db")}" },
                dir.FullName);
            await RunClusterAsync(DatabaseOptions.Providers.Sqlite, connectionString, ct);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ClusteredStore_TwoSchedulersOnOneSqlServerDatabase_EachFireTimeRunsOnce()
    {
        Assert.SkipWhen(TestcontainersSettings.OS.DockerEndpointAuthConfig is null, "Docker engine not available: SQL Server container test skipped");
        var ct = TestContext.Current.CancellationToken;
        await using var container = new MsSqlBuilder("mcr.microsoft.com/mssql/server:2022-latest").Build();
        await container.StartAsync(ct);
        await RunClusterAsync(DatabaseOptions.Providers.SqlServer, container.GetConnectionString(), ct);
    }

    private static async Task RunClusterAsync(string provider, string connectionString, CancellationToken ct)
    {
        // The schema comes from the QuartzSchema migration, as in production (the store only validates it).
        var options = new DbContextOptionsBuilder<AppDbContext>();
        PersistenceModule.Configure(options, provider, connectionString);
        await new DatabaseInitializer(new Factory(options.Options), NullLogger<DatabaseInitializer>.Instance).MigrateAsync(ct);

        var run = Guid.NewGuid().ToString("N");
        var firings = RecordFiringJob.Runs.GetOrAdd(run, _ => new ConcurrentQueue<Firing>());
        var a = await StartAsync(provider, connectionString, ct);
        var b = await StartAsync(provider, connectionString, ct);
        try
        {
            a.SchedulerInstanceId.ShouldNotBe(b.SchedulerInstanceId);

            var start = TimeProvider.System.GetUtcNow().AddSeconds(2);
            var trigger = TriggerBuilder.Create()
                .WithIdentity($"every-second-{run}", "cluster-test")
                .StartAt(start)
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(1)).WithRepeatCount(Repeats).WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
                .Build();
            var job = JobBuilder.Create<RecordFiringJob>().WithIdentity($"record-{run}", "cluster-test").UsingJobData(RecordFiringJob.RunKey, run).Build();
            await a.ScheduleJob(job, trigger, default(ScheduleJobOptions), ct);

            // Both members are alive: each has checked in to the cluster.
            (await CheckedInInstancesAsync(provider, connectionString, ct)).ShouldBe([a.SchedulerInstanceId, b.SchedulerInstanceId], ignoreOrder: true);

            // Done when the trigger has fired for the last time (it is then removed from the store); generous limit.
            var deadline = TimeProvider.System.GetUtcNow().AddSeconds(45);
            while (await b.GetTrigger(trigger.Key, ct) is not null && TimeProvider.System.GetUtcNow() < deadline)
            {
                await Task.Delay(250, ct);
            }

            (await b.GetTrigger(trigger.Key, ct)).ShouldBeNull("the trigger should have completed its six firings");
        }
        finally
        {
            await a.Shutdown(waitForJobsToComplete: true, ct);
            await b.Shutdown(waitForJobsToComplete: true, ct);
        }

        var all = firings.ToList();
        var byFireTime = all.GroupBy(f => f.ScheduledUtc).ToList();
        byFireTime.ShouldAllBe(g => g.Count() == 1, "a fire time ran on more than one instance: " + string.Join(", ", all.Select(f => $"{f.ScheduledUtc:HH:mm:ss.fff}@{f.InstanceId}")));
        // Under heavy load a missed second is skipped (misfire: next with remaining count), never run twice.
        byFireTime.Count.ShouldBeInRange(Repeats - 1, Repeats + 1);
        all.Select(f => f.InstanceId).Distinct().ShouldBe([a.SchedulerInstanceId, b.SchedulerInstanceId], ignoreOrder: true, "both instances should have run firings");
    }

    private static async Task<IScheduler> StartAsync(string provider, string connectionString, CancellationToken ct)
    {
        var scheduler = await QuartzSchedulerBuilder.Create(q =>
            {
                // One worker each and a job longer than the interval: while one instance runs a firing, the next one can
                // only be taken by the other, so both do work and compete for every fire time.
                q.UseDefaultThreadPool(1);
                q.UseClusteredStore(provider, connectionString, TimeSpan.FromSeconds(1));
                q.ConfigureScheduler(s => s.IdleWaitTime = TimeSpan.FromSeconds(1));
            })
            .BuildScheduler(ct);
        await scheduler.Start(ct);
        return scheduler;
    }

    private static async Task<List<string>> CheckedInInstancesAsync(string provider, string connectionString, CancellationToken ct)
    {
        await using DbConnection connection = provider == DatabaseOptions.Providers.SqlServer ? new SqlConnection(connectionString) : new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT INSTANCE_NAME FROM {QuartzStore.TablePrefix}SCHEDULER_STATE WHERE SCHED_NAME = '{QuartzStore.SchedulerName}'";
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private sealed record Firing(string InstanceId, DateTimeOffset ScheduledUtc);

    private sealed class RecordFiringJob : IJob
    {
        public const string RunKey = "run";

        public static ConcurrentDictionary<string, ConcurrentQueue<Firing>> Runs { get; } = new();

        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            var run = context.MergedJobDataMap.GetString(RunKey)!;
            Runs[run].Enqueue(new Firing(context.Scheduler.SchedulerInstanceId, context.ScheduledFireTimeUtc!.Value));
            await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
        }
    }

    private sealed class Factory(DbContextOptions<AppDbContext> options) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext() => new(options);
    }
}
