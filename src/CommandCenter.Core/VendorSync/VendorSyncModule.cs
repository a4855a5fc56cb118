using CommandCenter.Persistence;
using CommandCenter.Scheduling;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace CommandCenter.VendorSync;

public static class VendorSyncModule
{
    public static IHostApplicationBuilder AddVendorSync(this IHostApplicationBuilder builder)
    {
        // Keys in the database: every instance can read credentials another protected, and they survive redeploys.
        builder.Services.AddDataProtection().SetApplicationName("CommandCenter").PersistKeysToDbContext<AppDbContext>();

        builder.Services.AddSingleton<CredentialProtector>();
        builder.Services.AddSingleton<SyncProgressTracker>();
        builder.Services.AddSingleton<SyncLocks>();
        builder.Services.AddSingleton<SyncScheduler>();
        builder.Services.AddScoped<SyncConnection.Handler>();
        builder.Services.AddScoped<SaveConnection.Handler>();
        builder.Services.AddScoped<ListConnections.Handler>();
        builder.Services.AddScoped<ConnectionActions.Handler>();
        builder.Services.AddScoped<Mappings.Handler>();
        builder.Services.AddScoped<CountSuggestions.Handler>();
        builder.Services.AddScoped<GetClientCounts.Handler>();
        builder.Services.AddScoped<ListSnapshots.Handler>();
        builder.Services.AddVendorAdapters();

        // In memory for one instance (the default); Scheduler:Clustered=true puts Quartz on its clustered ADO.NET store in
        // the app's database, so every instance shares one schedule and each firing runs on one instance only.
        var scheduling = builder.Configuration.GetSection(SchedulerOptions.SectionName).Get<SchedulerOptions>() ?? new SchedulerOptions();
        builder.Services.AddSingleton(scheduling);
        builder.Services.AddQuartz(q =>
        {
            q.UseDefaultThreadPool(4);
            if (scheduling.Clustered)
            {
                var database = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
                q.UseClusteredStore(database.Provider, PersistenceModule.ResolveConnectionString(database, builder.Environment.ContentRootPath), scheduling.CheckinInterval);
            }
        });
        builder.AddQuartzHostedService(o => o.WaitForJobsToComplete = false);
        builder.Services.AddHostedService<SyncBootstrapper>();
        return builder;
    }
}

