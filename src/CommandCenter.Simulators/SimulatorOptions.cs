using CommandCenter.Demo;
using CommandCenter.Simulators.World;

namespace CommandCenter.Simulators;

/// <summary>How <see cref="SimulatorServiceCollectionExtensions.AddVendorSimulators"/> builds and runs the simulated vendors.</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulators";

    /// <summary>
    /// Builds the world. When null: a scaled world when <see cref="Organizations"/> is set, otherwise the demo world
    /// (<see cref="SimulatorWorld.CreateDemo"/>), both timestamped with the registered <see cref="TimeProvider"/>.
    /// </summary>
    public Func<IServiceProvider, SimulatorWorld>? World { get; set; }

    /// <summary>Organizations of a scaled world (<see cref="SimulatorWorld.CreateScaled"/>); null = the demo world.</summary>
    public int? Organizations { get; set; }

    /// <summary>NinjaOne devices per organization of a scaled world.</summary>
    public int DevicesPerOrganization { get; set; } = 50;

    /// <summary>Seed of a scaled world.</summary>
    public int Seed { get; set; } = DemoSeeder.DemoGeneratorSeed;

    /// <summary>Huntress requests per account per sliding minute before a 429 (the documented 60); 0 = unlimited.</summary>
    public int HuntressRequestsPerMinute { get; set; } = 60;

    /// <summary>Items per Graph page (<c>@odata.nextLink</c> when a list is longer); null = no paging, as Graph does for small lists.</summary>
    public int? GraphPageSize { get; set; }

    /// <summary>How often the drift service changes the world (a device added or retired); null = never.</summary>
    public TimeSpan? DriftInterval { get; set; }

    /// <summary>Extra time every accounting create takes (an invoice or credit memo posted), so a batch takes a while; 0 = none.</summary>
    public int AccountingLatencyMs { get; set; }

    public TimeSpan NinjaOneTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan Pax8TokenLifetime { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan GraphTokenLifetime { get; set; } = TimeSpan.FromSeconds(3599);

    public TimeSpan SonicWallAccessCodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan NsmTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    public TimeSpan NsmTokenIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>QuickBooks Online access tokens (about 1 h at Intuit).</summary>
    public TimeSpan QboAccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Xero access tokens (30 minutes).</summary>
    public TimeSpan XeroAccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(30);
}
