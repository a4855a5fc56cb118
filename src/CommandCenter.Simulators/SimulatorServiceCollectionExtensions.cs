using CommandCenter.Simulators.Endpoints;
using CommandCenter.Simulators.Infrastructure;
using CommandCenter.Simulators.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CommandCenter.Simulators;

/// <summary>Registration and mapping of the simulated vendor APIs (the Web app does both only in demo mode).</summary>
public static class SimulatorServiceCollectionExtensions
{
    /// <summary>Registers the world (a singleton), faults, tokens, the Huntress rate limiter and the drift service.</summary>
    public static IServiceCollection AddVendorSimulators(this IServiceCollection services, Action<SimulatorOptions>? configure = null)
    {
        var options = services.AddOptions<SimulatorOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SimulatorOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            return o.World?.Invoke(sp)
                ?? (o.Organizations is { } organizations
                    ? SimulatorWorld.CreateScaled(organizations, o.DevicesPerOrganization, o.Seed, time)
                    : SimulatorWorld.CreateDemo(time));
        });
        services.TryAddSingleton(sp => sp.GetRequiredService<SimulatorWorld>().Faults);
        services.TryAddSingleton<SimulatorTokens>();
        services.TryAddSingleton<SlidingWindowLimiter>();
        services.TryAddSingleton<OAuthAuthority>();
        services.AddHostedService<DriftService>();
        return services;
    }

    /// <summary>
    /// Maps every simulated vendor under <paramref name="prefix"/> (<c>/ninjaone</c>, <c>/pax8</c>, <c>/huntress</c>,
    /// <c>/sonicwall</c>, <c>/graph</c>, <c>/conductor</c>) plus <c>/_faults</c> and <c>/_world</c>. Anonymous at the ASP.NET level (each
    /// vendor does its own auth), without antiforgery and left out of OpenAPI.
    /// </summary>
    public static RouteGroupBuilder MapVendorSimulators(this IEndpointRouteBuilder endpoints, string prefix = "/sim")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var normalized = "/" + prefix.Trim('/');
        var context = new SimulatorContext(normalized == "/" ? "" : normalized);
        var root = endpoints.MapGroup(context.Prefix);
        root.AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();

        NinjaOneEndpoints.Map(root.MapGroup("/ninjaone"));
        Pax8Endpoints.Map(root.MapGroup("/pax8"));
        HuntressEndpoints.Map(root.MapGroup("/huntress"), context);
        SonicWallEndpoints.Map(root.MapGroup("/sonicwall"), context);
        GraphEndpoints.Map(root.MapGroup("/graph"), context);
        ConductorEndpoints.Map(root.MapGroup("/conductor"));
        QboEndpoints.Map(root.MapGroup("/qbo"), context);
        QboEndpoints.MapWorld(root);
        XeroEndpoints.Map(root.MapGroup("/xero"), context);
        XeroEndpoints.MapWorld(root);
        ControlEndpoints.Map(root, context);
        return root;
    }
}
