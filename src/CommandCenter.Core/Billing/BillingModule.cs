using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommandCenter.Billing;

public static class BillingModule
{
    public static IHostApplicationBuilder AddBilling(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BillingEvents>();
        builder.Services.AddSingleton<BillingLocks>();
        // Shared by every circuit and request of this instance: one read of a run per change, one refresh per month at a time.
        builder.Services.AddSingleton<RunViews>();
        builder.Services.AddSingleton<BillingRefreshes>();
        builder.Services.AddScoped<BillingRuns.Engine>();
        builder.Services.AddScoped<BillingRuns.Handler>();
        builder.Services.AddScoped<BillingSettingsStore.Handler>();
        builder.Services.AddScoped<Charges.Handler>();
        builder.Services.AddScoped<MonthEndCockpit.Handler>();
        builder.Services.AddSingleton<BillingLiveUpdates>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BillingLiveUpdates>());
        builder.Services.AddHostedService<BillingRunPreparer>();
        builder.Services.AddSingleton<BillingChangeFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BillingChangeFeed>());
        return builder;
    }
}
