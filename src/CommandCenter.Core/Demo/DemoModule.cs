using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommandCenter.Demo;

public static class DemoModule
{
    public static IHostApplicationBuilder AddDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>()
            .BindConfiguration(DemoOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddScoped<DemoSeeder>();
        if (builder.Configuration.GetValue<bool>($"{DemoOptions.SectionName}:{nameof(DemoOptions.Enabled)}"))
        {
            builder.Services.AddScoped<VendorSync.IBeforeSyncSchedule, DemoSimulatorLinks>();
            builder.Services.AddScoped<VendorSync.IBeforeSyncSchedule, DemoAccountingSetup>();
            builder.Services.AddScoped<VendorSync.ISyncCompletedHook, DemoAutoMapper>();
            builder.Services.AddSingleton<DemoBillingHistory>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<DemoBillingHistory>());
        }
        return builder;
    }
}
