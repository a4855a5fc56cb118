using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Simulators;

/// <summary>
/// Runs the simulators on their own: <c>dotnet run --project src/CommandCenter.Simulators --urls http://127.0.0.1:5080</c>
/// serves them under <c>/sim</c>. Options come from the <c>Simulators</c> configuration section (command line or
/// environment), e.g. <c>--Simulators:DriftInterval 00:00:30</c> or <c>--Simulators:Organizations 2000</c>.
/// </summary>
public static class SimulatorHost
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var section = builder.Configuration.GetSection(SimulatorOptions.SectionName);
        builder.Services.AddVendorSimulators(o => section.Bind(o));

        var app = builder.Build();
        app.MapVendorSimulators(section["Prefix"] ?? "/sim");
        await app.RunAsync();
    }
}
