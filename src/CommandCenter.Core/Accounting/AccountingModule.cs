using CommandCenter.Accounting.Conductor;
using CommandCenter.Accounting.Qbo;
using CommandCenter.Accounting.Xero;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommandCenter.Accounting;

public static class AccountingModule
{
    public static IHostApplicationBuilder AddAccounting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AccountingCredentialProtector>();
        builder.Services.AddSingleton<AccountingEndpoints>();
        builder.Services.AddSingleton<PostingSignal>();
        builder.Services.AddScoped<Postings.Service>();
        builder.Services.AddScoped<Postings.Handler>();
        builder.Services.AddScoped<MonthReopening.Handler>();
        builder.Services.AddSingleton<PostingWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PostingWorker>());
        builder.Services.AddConductorTarget();
        builder.Services.AddQboTarget();
        builder.Services.AddXeroTarget();
        builder.Services.AddAccountingConnections();
        return builder;
    }

    /// <summary>The connection, import and mapping handlers (the targets register themselves keyed by kind).</summary>
    public static IServiceCollection AddAccountingConnections(this IServiceCollection services)
    {
        services.AddScoped<AccountingConnections.Handler>();
        services.AddScoped<AccountingMappings.Handler>();
        return services;
    }
}
