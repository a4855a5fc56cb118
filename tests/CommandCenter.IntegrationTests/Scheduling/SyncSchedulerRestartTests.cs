using CommandCenter.Persistence;
using CommandCenter.Scheduling;
using CommandCenter.VendorSync;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace CommandCenter.IntegrationTests.Scheduling;

/// <summary>The vendor-sync schedule on the clustered (persistent) store outlives the process that made it.</summary>
public sealed class SyncSchedulerRestartTests
{
    [Fact]
    public async Task ScheduleAsync_AfterRestartOnPersistentStore_KeepsTriggerAndJobDataAndDropsDeletedConnections()
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Directory.CreateTempSubdirectory("cc-quartz-restart-");
        try
        {
            var connectionString = PersistenceModule.ResolveConnectionString(
                new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(dir.FullName, "restart.db")}" }, dir.FullName);
            var options = new DbContextOptionsBuilder<AppDbContext>();
            PersistenceModule.Configure(options, DatabaseOptions.Providers.Sqlite, connectionString);
            await new DatabaseInitializer(new Factory(options.Options), NullLogger<DatabaseInitializer>.Instance).MigrateAsync(ct);

            // Quartz's own clock is the real one, so the schedule's clock starts at the real minute.
            var real = TimeProvider.System.GetUtcNow();
            var t0 = new DateTimeOffset(real.Year, real.Month, real.Day, real.Hour, real.Minute, 0, TimeSpan.Zero);
            var time = new FakeTimeProvider(t0);
            var tenant = Guid.NewGuid();
            var kept = Connection(tenant, lastSuccess: time.GetUtcNow().UtcDateTime.AddMinutes(-10));
            var deleted = Connection(tenant, lastSuccess: time.GetUtcNow().UtcDateTime.AddMinutes(-10));

            // First process: schedules both connections (the scheduler is never started, so nothing fires).
            var first = Build(connectionString);
            var before = new SyncScheduler(first, time, NullLogger<SyncScheduler>.Instance);
            await before.ScheduleAsync(kept, ct);
            await before.ScheduleAsync(deleted, ct);
            var next = await before.NextRunUtcAsync(kept.Id, ct);
            next.ShouldBe(t0.UtcDateTime.AddMinutes(50));
            await (await first.GetScheduler(ct)).Shutdown(waitForJobsToComplete: true, ct);

            // Second process, a few minutes later, starting up as SyncBootstrapper does; one connection was deleted meanwhile.
            time.Advance(TimeSpan.FromMinutes(5));
            var second = Build(connectionString);
            var after = new SyncScheduler(second, time, NullLogger<SyncScheduler>.Instance);
            (await after.NextRunUtcAsync(kept.Id, ct)).ShouldBe(next, "the trigger is in the database, not in the process");
            kept.LastSuccessUtc = t0.UtcDateTime.AddMinutes(2); // a "Sync now" meanwhile: the stored grid stays
            await after.RemoveOthersAsync([kept.Id], ct);
            await after.ScheduleAsync(kept, keepExisting: true, ct);

            (await after.NextRunUtcAsync(kept.Id, ct)).ShouldBe(next);
            var scheduler = await second.GetScheduler(ct);
            var job = (await scheduler.GetJobDetail(SyncScheduler.JobKeyFor(kept.Id), ct)).ShouldNotBeNull();
            job.JobDataMap.GetString(SyncConnectionJob.TenantKey).ShouldBe(tenant.ToString());
            job.JobDataMap.GetString(SyncConnectionJob.ConnectionKey).ShouldBe(kept.Id.ToString());
            (await scheduler.GetJobDetail(SyncScheduler.JobKeyFor(deleted.Id), ct)).ShouldBeNull();
            (await after.NextRunUtcAsync(deleted.Id, ct)).ShouldBeNull();

            // A changed interval is a new schedule, not the stored one.
            kept.ScheduleMinutes = 30;
            await after.ScheduleAsync(kept, keepExisting: true, ct);
            (await after.NextRunUtcAsync(kept.Id, ct)).ShouldBe(t0.UtcDateTime.AddMinutes(2 + 30));
            await scheduler.Shutdown(waitForJobsToComplete: true, ct);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    private static ISchedulerFactory Build(string connectionString) =>
        QuartzSchedulerBuilder.Create(q => q.UseClusteredStore(DatabaseOptions.Providers.Sqlite, connectionString, TimeSpan.FromSeconds(15))).Build();

    private static VendorConnection Connection(Guid tenant, DateTime lastSuccess) => new()
    {
        TenantId = tenant,
        Name = "RMM",
        BaseUrl = "http://localhost",
        ProtectedCredentials = "",
        ScheduleMinutes = 60,
        LastSuccessUtc = lastSuccess,
    };

    private sealed class Factory(DbContextOptions<AppDbContext> options) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext() => new(options);
    }
}
