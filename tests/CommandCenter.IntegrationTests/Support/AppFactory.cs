using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CommandCenter.IntegrationTests.Support;

/// <summary>
/// The real app on real Kestrel (loopback, free port) in demo mode, on its own SQLite file built by the migrations
/// and seeded by the demo seeder — the same start-up a user gets from the run command. With CC_TEST_DATABASE=SqlServer
/// the app runs on a SQL Server database of its own instead (SqlServerParityTests runs the whole suite that way).
/// </summary>
public class AppFactory : WebApplicationFactory<Program>
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cc-tests-" + Guid.NewGuid().ToString("N"));
    private readonly IReadOnlyDictionary<string, string> _settings;

    public AppFactory()
        : this(new Dictionary<string, string>())
    {
    }

    /// <summary>The same app with a few settings of its own (e.g. a low rate limit), for a derived factory.</summary>
    protected AppFactory(IReadOnlyDictionary<string, string> settings)
    {
        _settings = settings;
        Directory.CreateDirectory(_dir);
        Port = FreePort();
        UseKestrel(Port);
        StartServer();
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // SQLite file per app by default; the same tests on SQL Server with CC_TEST_DATABASE=SqlServer (see TestDatabase).
        builder.UseSetting("Database:Provider", TestDatabase.Provider);
        builder.UseSetting("Database:ConnectionString", TestDatabase.IsSqlServer
            ? TestDatabase.NewSqlServerDatabase()
            : $"Data Source={Path.Combine(_dir, "app.db")}");
        builder.UseSetting("Demo:Enabled", "true");
        // The simulators' counts stay still during a test; drift is a demo nicety.
        builder.UseSetting("Demo:DriftMinutes", "0");
        builder.UseSetting("urls", BaseAddress.ToString());
        // Suites fire thousands of API requests (and many sign-ins) a minute from one key and address; a tight loop of
        // cheap requests runs at ~300/s here, over any limit worth having. RateLimitTests lower them to test them.
        builder.UseSetting("RateLimiting:ApiPermitsPerMinute", "1000000");
        builder.UseSetting("RateLimiting:ApiBurst", "1000000");
        builder.UseSetting("RateLimiting:SignInPermitsPerMinute", "1000000");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Waits until every demo connection has finished its first sync (they start when the app does).</summary>
    public async Task WaitForFirstSyncsAsync(CancellationToken cancellationToken)
    {
        using var http = ApiClient(CommandCenter.Demo.DemoSeeder.DemoApiKey);
        await DemoSyncs.WaitForFirstAsync(http, cancellationToken);
    }

    public HttpClient ApiClient(string? apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

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

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
