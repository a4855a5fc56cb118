using System.Net.Http.Json;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.VendorSync.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Faults;

/// <summary>
/// The demo app as <see cref="AppFactory"/> starts it, with the vendor pipeline's waits scaled down for a test (retry
/// delays of milliseconds, a circuit that closes again after a second), Huntress's simulated per-minute limit off (the
/// suite injects its own 429s), and a count of every request the in-app simulators answer.
/// </summary>
public class FaultAppFactory : WebApplicationFactory<Program>
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cc-faults-" + Guid.NewGuid().ToString("N"));
    private long _simulatorCalls;

    public FaultAppFactory()
    {
        Directory.CreateDirectory(_dir);
        Port = AppFactory.FreePort();
        UseKestrel(Port);
        StartServer();
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public string DatabasePath => Path.Combine(_dir, "app.db");

    /// <summary>The app's SQLite busy timeout in seconds (null: the app's default of 30).</summary>
    protected virtual int? BusyTimeoutSeconds => null;

    /// <summary>Vendor requests (token and data) the simulators have answered so far.</summary>
    public long SimulatorCalls => Interlocked.Read(ref _simulatorCalls);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Database:ConnectionString", $"Data Source={DatabasePath}" + (BusyTimeoutSeconds is { } t ? $";Default Timeout={t}" : ""));
        builder.UseSetting("Demo:Enabled", "true");
        builder.UseSetting("Demo:DriftMinutes", "0");
        builder.UseSetting("Simulators:HuntressRequestsPerMinute", "0");
        builder.UseSetting("urls", BaseAddress.ToString());
        builder.ConfigureServices(services =>
        {
            services.PostConfigure<VendorHttpOptions>(o =>
            {
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
                o.RetryMaxDelay = TimeSpan.FromSeconds(2);
                o.CircuitBreakDuration = TimeSpan.FromSeconds(1);
            });
            services.AddSingleton<IStartupFilter>(new CountingFilter(this));
        });
    }

    public async Task WaitForFirstSyncsAsync(CancellationToken cancellationToken)
    {
        using var http = ApiClient(CommandCenter.Demo.DemoSeeder.DemoApiKey);
        await DemoSyncs.WaitForFirstAsync(http, cancellationToken);
    }

    public HttpClient ApiClient(string apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp folder is cleaned by the OS.
        }
    }

    private sealed class CountingFilter(FaultAppFactory factory) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (context.Request.Path.StartsWithSegments("/sim") && !context.Request.Path.StartsWithSegments("/sim/_faults"))
                {
                    Interlocked.Increment(ref factory._simulatorCalls);
                }

                await nextMiddleware(context);
            });
            next(app);
        };
    }
}
