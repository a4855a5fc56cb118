using System.Collections.Concurrent;
using CommandCenter.Simulators;
using CommandCenter.Simulators.World;
using CommandCenter.VendorSync;
using CommandCenter.VendorSync.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace CommandCenter.IntegrationTests.VendorSync;

/// <summary>The vendor simulators on a real Kestrel loopback port, and the adapters wired by <c>AddVendorAdapters</c> in front of them.</summary>
internal sealed class AdapterHarness : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServiceProvider _client;

    private AdapterHarness(WebApplication app, Uri root, ServiceProvider client)
    {
        _app = app;
        Root = root;
        _client = client;
    }

    public Uri Root { get; }

    /// <summary>Every answer the simulators gave: path and query, status, wall-clock time since start.</summary>
    public ConcurrentQueue<(string Path, int Status, TimeSpan At)> Log { get; private init; } = new();

    public SimulatorWorld World => _app.Services.GetRequiredService<SimulatorWorld>();

    public static async Task<AdapterHarness> StartAsync(
        Action<SimulatorOptions>? simulators = null,
        TimeProvider? simulatorTime = null,
        Action<VendorHttpOptions>? client = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        if (simulatorTime is not null)
        {
            builder.Services.AddSingleton(simulatorTime);
        }

        builder.Services.AddVendorSimulators(o =>
        {
            o.Organizations = 5;
            o.DevicesPerOrganization = 12;
            o.Seed = 4242;
            o.DriftInterval = null;
            simulators?.Invoke(o);
        });
        var app = builder.Build();
        var log = new ConcurrentQueue<(string Path, int Status, TimeSpan At)>();
        var started = TimeProvider.System.GetTimestamp();
        app.Use(async (http, next) =>
        {
            await next(http);
            log.Enqueue((http.Request.Path + http.Request.QueryString, http.Response.StatusCode, TimeProvider.System.GetElapsedTime(started)));
        });
        app.MapVendorSimulators("/sim");
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVendorAdapters();
        services.Configure<VendorHttpOptions>(o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
            o.RetryMaxDelay = TimeSpan.FromSeconds(5);
            client?.Invoke(o);
        });
        return new AdapterHarness(app, new Uri(address), services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true })) { Log = log };
    }

    /// <summary>Runs a fetch through the DI-registered adapter (a scope per call, as the sync service will).</summary>
    public async Task<VendorFetch> FetchAsync(ConnectionRuntime connection, ISyncProgress? progress = null)
    {
        await using var scope = _client.CreateAsyncScope();
        var adapter = scope.ServiceProvider.GetRequiredKeyedService<IVendorAdapter>(connection.Kind);
        return await adapter.FetchAsync(connection, progress ?? NullSyncProgress.Instance, TestContext.Current.CancellationToken);
    }

    public async Task<ConnectionTestResult> TestAsync(ConnectionRuntime connection)
    {
        await using var scope = _client.CreateAsyncScope();
        var adapter = scope.ServiceProvider.GetRequiredKeyedService<IVendorAdapter>(connection.Kind);
        return await adapter.TestAsync(connection, TestContext.Current.CancellationToken);
    }

    public ConnectionRuntime Connection(VendorKind kind, int? pageSize = null, int timeoutSeconds = 10, int maxRetries = 4, int? requestsPerMinute = null)
    {
        Uri At(string path) => new(Root, path);
        var limits = new ConnectionLimits(requestsPerMinute, pageSize, timeoutSeconds, maxRetries);
        return kind switch
        {
            VendorKind.NinjaOne => Make(At("/sim/ninjaone"), null,
                new VendorCredentials(SimulatorCredentials.NinjaOneClientId, SimulatorCredentials.NinjaOneClientSecret)),
            VendorKind.Pax8 => Make(At("/sim/pax8/v1"), At("/sim/pax8/v1/token"),
                new VendorCredentials(SimulatorCredentials.Pax8ClientId, SimulatorCredentials.Pax8ClientSecret)),
            VendorKind.Huntress => Make(At("/sim/huntress"), null,
                new VendorCredentials(ApiKey: SimulatorCredentials.HuntressApiKey, ApiSecret: SimulatorCredentials.HuntressApiSecret)),
            VendorKind.SonicWall => Make(At("/sim/sonicwall/nsm"), At("/sim/sonicwall/msw"),
                new VendorCredentials(ApiKey: SimulatorCredentials.SonicWallMswApiKey)),
            VendorKind.Graph => Make(At("/sim/graph"), At("/sim/graph/login"),
                new VendorCredentials(SimulatorCredentials.GraphClientId, SimulatorCredentials.GraphClientSecret, TenantId: SimulatorCredentials.GraphPartnerTenantId)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        ConnectionRuntime Make(Uri baseUrl, Uri? tokenUrl, VendorCredentials credentials) =>
            new(Guid.NewGuid(), Guid.NewGuid(), kind, baseUrl, tokenUrl, null, credentials, limits, 1);
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}

/// <summary>Simulator time running <c>factor</c> times faster than the wall clock (a sliding minute in a couple of seconds).</summary>
internal sealed class AcceleratedTimeProvider(double factor) : TimeProvider
{
    private readonly DateTimeOffset _start = System.GetUtcNow();
    private readonly long _started = System.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => _start + System.GetElapsedTime(_started) * factor;
}

/// <summary>Counts what the adapter reports.</summary>
internal sealed class CountingProgress : ISyncProgress
{
    public int Organizations { get; private set; }
    public int Pages { get; private set; }
    public int Items { get; private set; }

    void ISyncProgress.Organizations(int count) => Organizations = count;

    void ISyncProgress.Page(int items)
    {
        Pages++;
        Items += items;
    }
}
