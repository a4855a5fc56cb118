using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommandCenter.Tenancy;

public static class TenancyModule
{
    public static IHostApplicationBuilder AddTenancy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ApiKeys.Handler>();
        builder.Services.AddScoped<ApiKeys.Authenticator>();
        builder.Services.AddScoped<TenantUsers.Handler>();
        builder.Services.AddScoped<SignUp.Handler>();
        return builder;
    }
}
