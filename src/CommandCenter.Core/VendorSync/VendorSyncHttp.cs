using CommandCenter.VendorSync.Http;
using CommandCenter.VendorSync.Graph;
using CommandCenter.VendorSync.Huntress;
using CommandCenter.VendorSync.NinjaOne;
using CommandCenter.VendorSync.Pax8;
using CommandCenter.VendorSync.SonicWall;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Refit;

namespace CommandCenter.VendorSync;

/// <summary>
/// Registers the vendor adapters: one Refit generated client per vendor (routing → auth → one resilience handler),
/// the token client, and <see cref="IVendorAdapter"/> keyed by <see cref="VendorKind"/>.
/// </summary>
public static class VendorSyncHttp
{
    public static IServiceCollection AddVendorAdapters(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<VendorHttpOptions>();
        services.TryAddSingleton<VendorConnectionRegistry>();
        services.TryAddSingleton<VendorTokenCache>();
        services.TryAddSingleton<VendorTokenClient>();
        services.TryAddTransient<VendorRoutingHandler>();

        services.AddHttpClient(VendorTokenClient.HttpClientName, ConfigureClient)
            // A MySonicWall key that is wrong answers 302 to a login page: see the redirect, don't follow it.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .AddVendorResilience();

        services.AddTransient<NinjaOneAuthHandler>();
        services.AddVendorClient<INinjaOneApi, NinjaOneAuthHandler>();
        services.AddKeyedScoped<IVendorAdapter, NinjaOneAdapter>(VendorKind.NinjaOne);

        services.AddTransient<Pax8AuthHandler>();
        services.AddVendorClient<IPax8Api, Pax8AuthHandler>();
        services.AddKeyedScoped<IVendorAdapter, Pax8Adapter>(VendorKind.Pax8);

        services.AddTransient<HuntressAuthHandler>();
        services.AddVendorClient<IHuntressApi, HuntressAuthHandler>();
        services.AddKeyedScoped<IVendorAdapter, HuntressAdapter>(VendorKind.Huntress);

        services.TryAddSingleton<SonicWallAuthenticator>();
        services.AddTransient<SonicWallAuthHandler>();
        services.AddVendorClient<ISonicWallApi, SonicWallAuthHandler>();
        services.AddKeyedScoped<IVendorAdapter, SonicWallAdapter>(VendorKind.SonicWall);

        services.AddTransient<GraphAuthHandler>();
        services.AddVendorClient<IGraphApi, GraphAuthHandler>();
        services.AddKeyedScoped<IVendorAdapter, GraphAdapter>(VendorKind.Graph);

        return services;
    }

    private static void ConfigureClient(HttpClient client)
    {
        client.BaseAddress = VendorRoutingHandler.PlaceholderBaseAddress;
        // The resilience pipeline owns every timeout (per attempt and overall); HttpClient's 100 s would cut rate-limit waits short.
        client.Timeout = Timeout.InfiniteTimeSpan;
    }

    private static void AddVendorClient<TApi, TAuth>(this IServiceCollection services)
        where TApi : class
        where TAuth : DelegatingHandler =>
        services.AddRefitGeneratedClient<TApi>(_ => VendorJson.RefitSettings())
            .ConfigureHttpClient(ConfigureClient)
            .AddHttpMessageHandler<VendorRoutingHandler>()
            .AddHttpMessageHandler<TAuth>()
            .AddVendorResilience();
}
