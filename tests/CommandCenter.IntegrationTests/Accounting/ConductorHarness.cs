using CommandCenter.Accounting;
using CommandCenter.Accounting.Conductor;
using CommandCenter.Simulators;
using CommandCenter.Simulators.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CommandCenter.IntegrationTests.Accounting;

/// <summary>
/// The simulators (demo world) on a real Kestrel loopback port, and the Conductor target wired by
/// <see cref="ConductorHttp.AddConductorTarget"/> in front of them. The simulator's clock can be moved forward.
/// </summary>
internal sealed class ConductorHarness : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServiceProvider _client;

    private ConductorHarness(WebApplication app, Uri root, ServiceProvider client, ShiftableTimeProvider time)
    {
        _app = app;
        Root = root;
        _client = client;
        Time = time;
    }

    public Uri Root { get; }

    public ShiftableTimeProvider Time { get; }

    public SimulatorWorld World => _app.Services.GetRequiredService<SimulatorWorld>();

    /// <summary>Runs after every simulator answer (path + query); tests use it to let time pass between pages.</summary>
    public Action<string>? AfterResponse { get; set; }

    public static async Task<ConductorHarness> StartAsync(Action<SimulatorOptions>? simulators = null, Action<ConductorOptions>? client = null)
    {
        var time = new ShiftableTimeProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddVendorSimulators(o =>
        {
            o.DriftInterval = null;
            simulators?.Invoke(o);
        });
        var app = builder.Build();
        ConductorHarness? harness = null;
        app.Use(async (http, next) =>
        {
            await next(http);
            harness?.AfterResponse?.Invoke(http.Request.Path + http.Request.QueryString);
        });
        app.MapVendorSimulators("/sim");
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddConductorTarget();
        services.Configure<ConductorOptions>(o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
            client?.Invoke(o);
        });
        harness = new ConductorHarness(app, new Uri(address), services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true }), time);
        return harness;
    }

    public AccountingEndpoint Endpoint(int timeoutSeconds = 30, string secretKey = AccountingSimulatorCredentials.ConductorSecretKey, string endUserId = AccountingSimulatorCredentials.ConductorEndUserId) =>
        new(Guid.NewGuid(), Guid.NewGuid(), AccountingKind.Conductor, new Uri(Root, "/sim/conductor/v1"), null,
            new AccountingCredentials { SecretKey = secretKey, EndUserId = endUserId }, timeoutSeconds, 1, (_, _) => Task.CompletedTask);

    /// <summary>Runs <paramref name="call"/> on the DI-registered target (a scope per call, as the posting worker will).</summary>
    public async Task<T> RunAsync<T>(Func<IAccountingTarget, CancellationToken, Task<T>> call)
    {
        await using var scope = _client.CreateAsyncScope();
        var target = scope.ServiceProvider.GetRequiredKeyedService<IAccountingTarget>(AccountingKind.Conductor);
        return await call(target, TestContext.Current.CancellationToken);
    }

    public Task DoAsync(Func<IAccountingTarget, CancellationToken, Task> call) =>
        RunAsync(async (target, ct) =>
        {
            await call(target, ct);
            return true;
        });

    public HttpClient Http() => new() { BaseAddress = new Uri(Root, "/sim/") };

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}

/// <summary>The system clock plus an offset a test moves forward (timers stay on the system clock).</summary>
internal sealed class ShiftableTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
