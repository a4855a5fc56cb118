using CommandCenter.Simulators.World;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommandCenter.Simulators;

/// <summary>Every <see cref="SimulatorOptions.DriftInterval"/> adds or retires a device, so a demo shows change between syncs.</summary>
internal sealed class DriftService(SimulatorWorld world, IOptions<SimulatorOptions> options, TimeProvider time, ILogger<DriftService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.DriftInterval is not { } interval || interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var change = world.Drift();
                logger.LogInformation("Simulator drift: {Kind} device {DeviceName} ({DeviceId}) in NinjaOne organization {OrganizationId}", change.Kind, change.DeviceName, change.DeviceId, change.NinjaOneOrganizationId);
            }
        }
        catch (OperationCanceledException)
        {
            // Host shutting down.
        }
    }
}
