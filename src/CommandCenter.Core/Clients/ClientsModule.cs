using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommandCenter.Clients;

public static class ClientsModule
{
    public static IHostApplicationBuilder AddClients(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ListClients.Handler>();
        builder.Services.AddScoped<GetClient.Handler>();
        builder.Services.AddScoped<GetSummary.Handler>();
        builder.Services.AddScoped<SaveClient.Handler>();
        builder.Services.AddScoped<SaveCatalogItem.Handler>();
        builder.Services.AddScoped<SaveLine.Handler>();
        builder.Services.AddScoped<SaveAgreementTerms.Handler>();
        builder.Services.AddScoped<LineSourceOptions.Handler>();
        return builder;
    }
}
