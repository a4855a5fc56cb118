using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommandCenter.Psa;

public static class PsaModule
{
    public static IHostApplicationBuilder AddPsa(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<Tickets.Handler>();
        builder.Services.AddScoped<ClientUsage.Handler>();
        builder.Services.AddScoped<HourBlocks.Handler>();
        builder.Services.AddScoped<IngestTime.Handler>();
        builder.Services.AddSingleton<EmbedClose.Tokens>();
        builder.Services.AddScoped<EmbedClose.Handler>();
        return builder;
    }
}
