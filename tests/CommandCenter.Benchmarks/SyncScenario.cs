using System.Diagnostics;
using System.Globalization;
using CommandCenter.Persistence;
using CommandCenter.Simulators;
using CommandCenter.Tenancy;
using CommandCenter.VendorSync;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Measures a whole vendor sync the way the app runs it: the real adapter over real HTTP to the simulator (its own
/// its own process, so its memory is not counted), the real sync handler writing snapshots to a SQLite file built by the
/// migrations. Prints wall time, allocations and this process's peak working set.
/// <code>
/// dotnet run -c Release --project tests/CommandCenter.Benchmarks -- sync --vendor ninjaone --organizations 2000 --devices 50
/// dotnet run -c Release --project tests/CommandCenter.Benchmarks -- sync --vendor huntress --organizations 2000 --devices 20 --rpm 60
/// </code>
/// </summary>
internal static class SyncScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var vendor = Arg(args, "--vendor", "ninjaone");
        var organizations = int.Parse(Arg(args, "--organizations", "2000"), CultureInfo.InvariantCulture);
        var devices = int.Parse(Arg(args, "--devices", "50"), CultureInfo.InvariantCulture);
        var rpmText = Arg(args, "--rpm", "");
        int? rpm = rpmText.Length == 0 ? null : int.Parse(rpmText, CultureInfo.InvariantCulture);
        if (!VendorKinds.TryParse(vendor, out var kind) || kind is not (VendorKind.NinjaOne or VendorKind.Huntress))
        {
            Console.Error.WriteLine("--vendor must be ninjaone or huntress");
            return 2;
        }

        // The simulator limits Huntress like the vendor (60/min) only when the client does too; "lifted" otherwise.
        await using var simulator = await StartSimulatorAsync(organizations, devices, huntressLimit: rpm ?? 0);
        var dir = Path.Combine(Path.GetTempPath(), "cc-sync-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Configuration["Database:Provider"] = "Sqlite";
            builder.Configuration["Database:ConnectionString"] = $"Data Source={Path.Combine(dir, "bench.db")}";
            builder.AddPersistence();
            builder.AddVendorSync();
            using var host = builder.Build();
            var factory = host.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
            var protector = host.Services.GetRequiredService<CredentialProtector>();
            Guid tenantId, connectionId;
            await using (var db = await factory.CreateDbContextAsync())
            {
                await db.Database.MigrateAsync();
                var tenant = new Tenant { Name = "Benchmark MSP", CreatedUtc = DateTime.UnixEpoch };
                db.Tenants.Add(tenant);
                await db.SaveChangesAsync();
                tenantId = tenant.Id;
            }

            var credentials = kind == VendorKind.NinjaOne
                ? new VendorCredentials(ClientId: SimulatorCredentials.NinjaOneClientId, ClientSecret: SimulatorCredentials.NinjaOneClientSecret)
                : new VendorCredentials(ApiKey: SimulatorCredentials.HuntressApiKey, ApiSecret: SimulatorCredentials.HuntressApiSecret);
            var protectedCredentials = protector.Protect(credentials);
            await using (var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark"))
            {
                var connection = new VendorConnection
                {
                    Kind = kind,
                    Name = "Benchmark",
                    BaseUrl = $"{simulator.Address}/sim/{VendorKinds.ToApi(kind)}",
                    ProtectedCredentials = protectedCredentials,
                    RequestsPerMinute = rpm ?? 0,
                    MaxRetries = 0,
                    TimeoutSeconds = 120,
                };
                db.VendorConnections.Add(connection);
                await db.SaveChangesAsync();
                connectionId = connection.Id;
            }

            await using var scope = host.Services.CreateAsyncScope();
            var sync = scope.ServiceProvider.GetRequiredService<SyncConnection.Handler>();
            GC.Collect();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            var outcome = await sync.RunAsync(tenantId, connectionId, "benchmark");
            watch.Stop();
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            using var process = Process.GetCurrentProcess();
            process.Refresh();

            if (outcome.Status != SyncStatus.Succeeded)
            {
                Console.Error.WriteLine($"Sync failed: {outcome.Error}");
                return 1;
            }

            int snapshots, requests;
            await using (var db = factory.CreateDbContext().ForTenant(tenantId, "benchmark"))
            {
                snapshots = await db.CountSnapshots.CountAsync();
                // Pages fetched = data requests made (each page is one request).
                requests = (await db.SyncRuns.SingleAsync(r => r.Id == outcome.RunId)).Pages;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| vendor | organisations | items | snapshots | time | allocated | peak working set |"));
            Console.WriteLine("|---|---|---|---|---|---|---|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {VendorKinds.DisplayName(kind)} | {outcome.Organizations:N0} | {outcome.Items:N0} | {snapshots:N0} | {watch.Elapsed.TotalSeconds:F1} s | {allocated / 1024.0 / 1024.0:N0} MB | {process.PeakWorkingSet64 / 1024.0 / 1024.0:N0} MB |"));
            if (rpm is > 0)
            {
                // The floor a sliding window of rpm requests per minute sets: request k may start at floor((k-1)/rpm) minutes.
                var calls = requests;
                var floor = TimeSpan.FromMinutes((calls - 1) / rpm.Value);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"rate-limited: {calls} requests at {rpm}/min; floor {floor.TotalSeconds:F0} s; sync {watch.Elapsed.TotalSeconds:F1} s; ratio {(floor > TimeSpan.Zero ? watch.Elapsed / floor : 0):F3}"));
            }

            return 0;
        }
        finally
        {
            SqliteCleanup(dir);
        }
    }

    private static void SqliteCleanup(string dir)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    /// <summary>The simulator in its own process (its in-memory vendor world must not count against the sync's memory).</summary>
    private static async Task<SimulatorHostHandle> StartSimulatorAsync(int organizations, int devices, int huntressLimit)
    {
        var port = FreePort();
        var address = $"http://127.0.0.1:{port}";
        var dll = Path.Combine(AppContext.BaseDirectory, "CommandCenter.Simulators.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                dll, "--urls", address,
                $"--Simulators:Organizations={organizations}", $"--Simulators:DevicesPerOrganization={devices}",
                $"--Simulators:HuntressRequestsPerMinute={huntressLimit}", "--Logging:LogLevel:Default=Warning",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the simulator.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("[simulator] " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var handle = new SimulatorHostHandle(process, address);
        using var http = new HttpClient();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await http.GetAsync($"{address}/sim/");
                if (response.IsSuccessStatusCode)
                {
                    return handle;
                }
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60) || process.HasExited)
            {
                await handle.DisposeAsync();
                throw new InvalidOperationException("The simulator did not start.");
            }

            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class SimulatorHostHandle(Process process, string address) : IAsyncDisposable
    {
        public string Address { get; } = address;

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
            finally
            {
                process.Dispose();
            }
        }
    }
}
