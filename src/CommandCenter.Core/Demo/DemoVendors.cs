using CommandCenter.Audit;
using CommandCenter.Persistence;
using CommandCenter.VendorSync;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Demo;

/// <summary>
/// The demo tenant's vendor accounts: the credentials the simulators accept (public by design, like the demo password)
/// and the five connections the seed creates, pointing at the simulators inside the app.
/// </summary>
public static class DemoVendors
{
    public const string NinjaOneClientId = "demo-ninjaone-client";
    public const string NinjaOneClientSecret = "demo-ninjaone-secret";
    public const string Pax8ClientId = "demo-pax8-client";
    public const string Pax8ClientSecret = "demo-pax8-secret";
    public const string HuntressApiKey = "demo-huntress-key";
    public const string HuntressApiSecret = "demo-huntress-secret";
    public const string SonicWallApiKey = "demo-mysonicwall-api-key";
    public const string GraphPartnerTenantId = "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
    public const string GraphClientId = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
    public const string GraphClientSecret = "demo-graph-secret";

    public const string ConductorSecretKey = "sk_test_commandcenter_demo";
    public const string ConductorEndUserId = "end_usr_demo00000001";

    public const string SimulatorPrefix = "/sim";

    public sealed record ConnectionSpec(VendorKind Kind, string Name, VendorCredentials Credentials);

    public static IReadOnlyList<ConnectionSpec> Connections { get; } =
    [
        new(VendorKind.NinjaOne, "NinjaOne RMM", new VendorCredentials(ClientId: NinjaOneClientId, ClientSecret: NinjaOneClientSecret)),
        new(VendorKind.Pax8, "Pax8 licences", new VendorCredentials(ClientId: Pax8ClientId, ClientSecret: Pax8ClientSecret)),
        new(VendorKind.Huntress, "Huntress EDR", new VendorCredentials(ApiKey: HuntressApiKey, ApiSecret: HuntressApiSecret)),
        new(VendorKind.SonicWall, "SonicWall firewalls", new VendorCredentials(ApiKey: SonicWallApiKey)),
        new(VendorKind.Graph, "Microsoft 365", new VendorCredentials(ClientId: GraphClientId, ClientSecret: GraphClientSecret, TenantId: GraphPartnerTenantId)),
    ];

    /// <summary>Where each vendor's simulator answers under the app's address (the same layout as the real hosts).</summary>
    public static (string BaseUrl, string? TokenUrl) Urls(VendorKind kind, string appAddress)
    {
        var sim = appAddress.TrimEnd('/') + SimulatorPrefix;
        return kind switch
        {
            VendorKind.NinjaOne => ($"{sim}/ninjaone", null),
            VendorKind.Pax8 => ($"{sim}/pax8/v1", $"{sim}/pax8/v1/token"),
            VendorKind.Huntress => ($"{sim}/huntress", null),
            VendorKind.SonicWall => ($"{sim}/sonicwall/nsm", $"{sim}/sonicwall/msw"),
            VendorKind.Graph => ($"{sim}/graph", $"{sim}/graph/login"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>The demo's accounting target: the Conductor (QuickBooks Desktop) simulator's company file.</summary>
    public static Accounting.AccountingCredentials ConductorCredentials { get; } = new()
    {
        SecretKey = ConductorSecretKey,
        EndUserId = ConductorEndUserId,
    };

    public static string ConductorUrl(string appAddress) => appAddress.TrimEnd('/') + SimulatorPrefix + "/conductor/v1";

    internal static bool IsSimulatorUrl(string url) => url.Contains(SimulatorPrefix + "/", StringComparison.Ordinal)
        && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.IsLoopback || uri.Host is "localhost");
}

/// <summary>
/// Demo only: once the app listens, points the demo connections at the simulators on the app's real address (the port
/// can be anything: <c>--urls</c>, a test's free port), so they sync over real HTTP on loopback.
/// </summary>
public sealed class DemoSimulatorLinks(IServer server, IDbContextFactory<AppDbContext> factory, ILogger<DemoSimulatorLinks> logger) : IBeforeSyncSchedule
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var address = LoopbackAddress(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
        if (address is null)
        {
            logger.LogWarning("Demo: no http address to reach the simulators on; demo connections were not updated.");
            return;
        }

        await using var db = factory.CreateDbContext();
        // Demo start-up: the demo tenants' simulator connections, whichever tenant they belong to.
        var connections = await db.VendorConnections.IgnoreQueryFilters([AppDbContext.TenantFilter]).ToListAsync(cancellationToken);
        var changed = 0;
        foreach (var c in connections.Where(c => DemoVendors.IsSimulatorUrl(c.BaseUrl)))
        {
            var (baseUrl, tokenUrl) = DemoVendors.Urls(c.Kind, address);
            if (c.BaseUrl != baseUrl || c.TokenUrl != tokenUrl)
            {
                c.BaseUrl = baseUrl;
                c.TokenUrl = tokenUrl;
                c.SettingsVersion++;
                changed++;
            }
        }

        foreach (var c in (await db.AccountingConnections.IgnoreQueryFilters([AppDbContext.TenantFilter]).ToListAsync(cancellationToken))
            .Where(c => c.BaseUrl is not null && DemoVendors.IsSimulatorUrl(c.BaseUrl)))
        {
            var baseUrl = DemoVendors.ConductorUrl(address);
            if (c.Kind == Accounting.AccountingKind.Conductor && c.BaseUrl != baseUrl)
            {
                c.BaseUrl = baseUrl;
                c.SettingsVersion++;
                changed++;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Demo: {Count} connections point at the simulators on {Address}{Prefix}", changed, address, DemoVendors.SimulatorPrefix);
    }

    internal static string? LoopbackAddress(IEnumerable<string> addresses)
    {
        foreach (var a in addresses)
        {
            if (!Uri.TryCreate(a.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                continue;
            }

            var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "127.0.0.1" : uri.Host;
            return $"http://{host}:{uri.Port}";
        }

        return null;
    }
}

/// <summary>
/// Demo only: at a demo connection's first successful sync, confirms the name matches that are near-certain, as the
/// MSP's owner would in the Unmapped queue, so the demo opens with mapped organisations. Audited like any mapping.
/// </summary>
public sealed class DemoAutoMapper(AuditWriter audit, TimeProvider time) : ISyncCompletedHook
{
    public const int MinimumScore = 85;

    public async Task OnSyncedAsync(AppDbContext db, VendorConnection connection, bool firstSuccess, CancellationToken cancellationToken)
    {
        if (!firstSuccess || !DemoVendors.IsSimulatorUrl(connection.BaseUrl))
        {
            return;
        }

        await Mappings.Handler.AcceptSuggestionsAsync(db, audit, time, connection.Id, MinimumScore, "Demo: name match confirmed at first sync", cancellationToken);
    }
}
