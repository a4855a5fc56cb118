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
        return builder;
    }
}
