using CommandCenter.Persistence;
using Microsoft.AspNetCore.DataProtection;
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

        // In-memory store for one instance; the clustered ADO.NET store on SQL Server comes with scale-out (TODO(#7)).
        builder.Services.AddQuartz(q => q.UseDefaultThreadPool(4));
        builder.AddQuartzHostedService(o => o.WaitForJobsToComplete = false);
        builder.Services.AddHostedService<SyncBootstrapper>();
        return builder;
    }
}

