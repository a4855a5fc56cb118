using CommandCenter.Demo;
using CommandCenter.Persistence;
using MudBlazor;
using MudBlazor.Services;

namespace CommandCenter.Web.Infrastructure;

internal static class WebUiSetup
{
    public static WebApplicationBuilder AddWebUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices(config =>
        {
            config.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            config.SnackbarConfiguration.VisibleStateDuration = 5000;
        });
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddHealthChecks().AddDbContextCheck<AppDbContext>("database");
        return builder;
    }

    /// <summary>Applies migrations when configured (always in demo mode) and seeds the demo on an empty database.</summary>
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        var db = app.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var demo = app.Configuration.GetSection(DemoOptions.SectionName).Get<DemoOptions>()?.Enabled == true;
        if (!db.MigrateOnStart && !demo)
        {
            return;
        }

        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        if (!demo)
        {
            return;
        }

        // Seeds only an empty database; never runs outside demo mode.
        await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync();
        app.Logger.LogWarning(
            "Demo mode: sign in as {Email} / {Password} (Billing: {Billing}, Technician: {Tech}); API key {ApiKey}. Second tenant \"{Other}\": {OtherEmail} / {Password}, API key {OtherKey}.",
            DemoSeeder.AdminEmail, DemoSeeder.DemoPassword, DemoSeeder.BillingEmail, DemoSeeder.TechnicianEmail, DemoSeeder.DemoApiKey,
            DemoSeeder.OtherTenantName, DemoSeeder.OtherOwnerEmail, DemoSeeder.DemoPassword, DemoSeeder.OtherApiKey);
    }
}
