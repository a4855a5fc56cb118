using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Simulators;

/// <summary>What the Web app relies on when it maps the simulators next to its own authenticated, antiforgery-protected endpoints.</summary>
public sealed class SimulatorHostingTests(DemoSimulatorFixture fixture) : IClassFixture<DemoSimulatorFixture>
{
    [Fact]
    public void MapVendorSimulators_EveryEndpoint_IsAnonymous_WithoutAntiforgery_AndLeftOutOfOpenApi()
    {
        var endpoints = fixture.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        endpoints.Count.ShouldBeGreaterThan(25);
        foreach (var endpoint in endpoints)
        {
            endpoint.RoutePattern.RawText!.ShouldStartWith("/sim");
            endpoint.Metadata.GetMetadata<IAllowAnonymous>().ShouldNotBeNull(endpoint.DisplayName);
            endpoint.Metadata.GetMetadata<IAntiforgeryMetadata>()!.RequiresValidation.ShouldBeFalse(endpoint.DisplayName);
            endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()!.ExcludeFromDescription.ShouldBeTrue(endpoint.DisplayName);
        }
    }
}
