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
        builder.Services.AddQboTarget();
        builder.Services.AddXeroTarget();
        return builder;
    }
}
