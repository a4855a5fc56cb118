using CommandCenter.Demo;

namespace CommandCenter.Simulators.World;

/// <summary>
/// Everything the simulated vendors know: NinjaOne, Huntress, Pax8, SonicWall and Microsoft Graph data for one MSP,
/// built deterministically from the demo generator (same seed, same world; only timestamps follow the clock). One lock
/// guards all of it; reads return snapshots, mutators keep the vendors consistent (a new device gets its Huntress
/// agent, a retired one loses it, a Pax8 quantity change moves the Graph prepaid units).
/// </summary>
public sealed partial class SimulatorWorld
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, OrgNaming> _naming = [];
    private readonly List<SimulatedCompany> _companies = [];
    private readonly Random _driftRandom;
    private int _nextDeviceId = 1001;
    private int _nextAgentId = 900001;

    private SimulatorWorld(TimeProvider time, int seed)
    {
        Time = time;
        _driftRandom = new Random(unchecked((seed * 31) + 17));
        NinjaOne = new NinjaOneData(_gate);
        Huntress = new HuntressData(_gate);
        Pax8 = new Pax8Data(_gate);
        SonicWall = new SonicWallData(_gate);
        Graph = new GraphData(_gate);
    }

    public TimeProvider Time { get; }

    /// <summary>Faults queued for the endpoints of this world (also reachable over HTTP at <c>{prefix}/_faults</c>).</summary>
    public SimulatorFaults Faults { get; } = new();

    public NinjaOneData NinjaOne { get; }

    public HuntressData Huntress { get; }

    public Pax8Data Pax8 { get; }

    public SonicWallData SonicWall { get; }

    public GraphData Graph { get; }

    /// <summary>Each company with its id in every vendor: the demo clients first, then the vendor-only organizations.</summary>
    public IReadOnlyList<SimulatedCompany> Companies
    {
        get { lock (_gate) { return [.. _companies]; } }
    }

    /// <summary>The demo world: the 40 clients of the demo tenant (<see cref="DemoSeeder"/>) plus two vendor-only organizations.</summary>
    public static SimulatorWorld CreateDemo(TimeProvider? time = null) =>
        Create(DataGenerator.Generate(DemoSeeder.DemoClientCount, DemoSeeder.DemoGeneratorSeed), DemoSeeder.DemoGeneratorSeed, time, devicesPerOrganization: null, demoQuirks: true, vendorOnly: true);

    /// <summary>
    /// A world for scale tests: the clients of <c>DataGenerator.Generate(organizations, seed)</c>, each with exactly
    /// <paramref name="devicesPerOrganization"/> NinjaOne devices (88% approved workstations, 6% servers, 6% others),
    /// and no vendor-only organizations, so the totals are exact (2,000 × 50 = 100,000 devices).
    /// </summary>
    public static SimulatorWorld CreateScaled(int organizations, int devicesPerOrganization, int seed, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(organizations);
        ArgumentOutOfRangeException.ThrowIfNegative(devicesPerOrganization);
        return Create(DataGenerator.Generate(organizations, seed), seed, time, devicesPerOrganization, demoQuirks: false, vendorOnly: false);
    }

    /// <summary>A world for the given clients (device counts follow their lines) plus the two vendor-only organizations.</summary>
    public static SimulatorWorld Create(IReadOnlyList<ClientSpec> clients, int seed, TimeProvider? time = null) =>
        Create(clients, seed, time, devicesPerOrganization: null, demoQuirks: false, vendorOnly: true);

    /// <summary>
    /// Adds a device to a NinjaOne organization with the next free name for its class (and, for an approved
    /// Windows/Mac/Linux device when <paramref name="withHuntressAgent"/>, its Huntress agent).
    /// </summary>
    public NinjaDevice AddDevice(int organizationId, string nodeClass = NinjaValues.WindowsWorkstation, string approvalStatus = NinjaValues.Approved, bool withHuntressAgent = true)
    {
        lock (_gate)
        {
            if (!_naming.TryGetValue(organizationId, out var naming))
            {
                throw new ArgumentException($"No NinjaOne organization {organizationId}.", nameof(organizationId));
            }

            var rng = _driftRandom;
            var now = Time.GetUtcNow();
            var device = NewDevice(rng, naming, nodeClass, approvalStatus, now, now);
            NinjaOne.DeviceList.Add(device);
            if (withHuntressAgent && approvalStatus == NinjaValues.Approved)
            {
                AddAgentFor(rng, device, naming, now);
            }

            return device;
        }
    }

    /// <summary>Removes a device from NinjaOne and its agent from Huntress (an offboarded machine). False if unknown.</summary>
    public bool RetireDevice(int deviceId)
    {
        lock (_gate)
        {
            var index = NinjaOne.DeviceList.FindIndex(d => d.Id == deviceId);
            if (index < 0)
            {
                return false;
            }

            var device = NinjaOne.DeviceList[index];
            NinjaOne.DeviceList.RemoveAt(index);
            if (_naming.TryGetValue(device.OrganizationId, out var naming))
            {
                Huntress.AgentList.RemoveAll(a => a.OrganizationId == naming.HuntressOrganizationId && a.Hostname == device.SystemName);
            }

            return true;
        }
    }

    /// <summary>Sets a device's <c>approvalStatus</c> (e.g. to DECOMMISSIONED). False if unknown.</summary>
    public bool SetApprovalStatus(int deviceId, string approvalStatus)
    {
        lock (_gate)
        {
            var index = NinjaOne.DeviceList.FindIndex(d => d.Id == deviceId);
            if (index < 0)
            {
                return false;
            }

            NinjaOne.DeviceList[index] = NinjaOne.DeviceList[index] with { ApprovalStatus = approvalStatus };
            return true;
        }
    }

    /// <summary>Removes one Huntress agent only (an agent uninstalled while the device stays in NinjaOne).</summary>
    public bool RemoveHuntressAgent(int agentId)
    {
        lock (_gate)
        {
            return Huntress.AgentList.RemoveAll(a => a.Id == agentId) > 0;
        }
    }

    /// <summary>
    /// Changes a Pax8 subscription's quantity; for an Active subscription the customer tenant's Graph prepaid units
    /// follow (consumed units are capped at the new total).
    /// </summary>
    public void SetSubscriptionQuantity(Guid subscriptionId, decimal quantity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);
        lock (_gate)
        {
            var index = Pax8.SubscriptionList.FindIndex(s => s.Id == subscriptionId);
            if (index < 0)
            {
                throw new ArgumentException($"No Pax8 subscription {subscriptionId}.", nameof(subscriptionId));
            }

            var sub = Pax8.SubscriptionList[index] with { Quantity = quantity, UpdatedDate = Time.GetUtcNow() };
            Pax8.SubscriptionList[index] = sub;
            var company = _companies.Find(c => c.Pax8CompanyId == sub.CompanyId);
            if (company is not null && sub.Status == "Active")
            {
                var enabled = (int)Pax8.SubscriptionList
                    .Where(s => s.CompanyId == sub.CompanyId && s.VendorSkuId == sub.VendorSkuId && s.Status == "Active")
                    .Sum(s => s.Quantity);
                var skuIndex = Graph.SkuList.FindIndex(s => s.TenantId == company.GraphTenantId && s.SkuId == sub.VendorSkuId);
                if (skuIndex >= 0)
                {
                    var sku = Graph.SkuList[skuIndex];
                    Graph.SkuList[skuIndex] = sku with
                    {
                        PrepaidUnits = sku.PrepaidUnits with { Enabled = enabled },
                        ConsumedUnits = Math.Min(sku.ConsumedUnits, enabled),
                    };
                }
            }
        }
    }

    /// <summary>Sets how many seats of a SKU are assigned in a customer tenant.</summary>
    public void SetConsumedUnits(Guid tenantId, Guid skuId, int consumedUnits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(consumedUnits);
        lock (_gate)
        {
            var index = Graph.SkuList.FindIndex(s => s.TenantId == tenantId && s.SkuId == skuId);
            if (index < 0)
            {
                throw new ArgumentException($"Tenant {tenantId} has no SKU {skuId}.", nameof(skuId));
            }

            Graph.SkuList[index] = Graph.SkuList[index] with { ConsumedUnits = consumedUnits };
        }
    }

    /// <summary>Adds a firewall to a SonicWall tenant's NSM inventory.</summary>
    public SonicWallFirewall AddFirewall(string tenantId, string model = "TZ370")
    {
        lock (_gate)
        {
            var tenant = SonicWall.TenantList.Find(t => t.TenantId == tenantId)
                ?? throw new ArgumentException($"No SonicWall tenant {tenantId}.", nameof(tenantId));
            var index = SonicWall.FirewallList.Count(f => f.TenantId == tenantId) + 1;
            var firewall = NewFirewall(_driftRandom, tenant.TenantId, FirewallName(tenant.Name, index), model, Time.GetUtcNow());
            SonicWall.FirewallList.Add(firewall);
            return firewall;
        }
    }

    public bool RemoveFirewall(string serialNumber)
    {
        lock (_gate)
        {
            return SonicWall.FirewallList.RemoveAll(f => f.SerialNumber == serialNumber) > 0;
        }
    }

    /// <summary>
    /// One step of slow, realistic change: usually a new workstation (with its Huntress agent) in a random
    /// organization that already has workstations, otherwise one approved workstation retired.
    /// </summary>
    public DriftChange Drift()
    {
        lock (_gate)
        {
            var rng = _driftRandom;
            var candidates = NinjaOne.DeviceList.Where(NinjaValues.IsBillableWorkstation).ToList();
            if (candidates.Count == 0)
            {
                return new DriftChange("none", 0, 0, "");
            }

            if (rng.NextDouble() < 0.6)
            {
                var organizationId = candidates[rng.Next(candidates.Count)].OrganizationId;
                var device = AddDevice(organizationId);
                return new DriftChange("added", organizationId, device.Id, device.SystemName);
            }

            var retired = candidates[rng.Next(candidates.Count)];
            RetireDevice(retired.Id);
            return new DriftChange("retired", retired.OrganizationId, retired.Id, retired.SystemName);
        }
    }

    /// <summary>Counts for a quick look (<c>GET {prefix}/_world</c>).</summary>
    public object Summary()
    {
        lock (_gate)
        {
            return new
            {
                companies = _companies.Count,
                ninjaOne = new { organizations = NinjaOne.OrganizationList.Count, devices = NinjaOne.DeviceList.Count },
                huntress = new { organizations = Huntress.OrganizationList.Count, agents = Huntress.AgentList.Count },
                pax8 = new { companies = Pax8.CompanyList.Count, products = Pax8.ProductList.Count, subscriptions = Pax8.SubscriptionList.Count },
                sonicWall = new { tenants = SonicWall.TenantList.Count, firewalls = SonicWall.FirewallList.Count },
                graph = new { customers = Graph.CustomerList.Count, skus = Graph.SkuList.Count },
            };
        }
    }
}
