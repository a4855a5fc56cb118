namespace CommandCenter.Simulators.World;

/// <summary>One company as it appears in each vendor; <see cref="ClientName"/> is null for vendor-only organizations.</summary>
public sealed record SimulatedCompany(
    string? ClientName,
    string CanonicalName,
    int NinjaOneOrganizationId,
    Guid Pax8CompanyId,
    int HuntressOrganizationId,
    string SonicWallTenantId,
    Guid GraphTenantId);

/// <summary>What one drift step changed.</summary>
public sealed record DriftChange(string Kind, int NinjaOneOrganizationId, int DeviceId, string DeviceName);

/// <summary>NinjaOne data. Reads take the world lock and return snapshots.</summary>
public sealed class NinjaOneData
{
    private readonly Lock _gate;
    internal readonly List<NinjaOrganization> OrganizationList = [];
    internal readonly List<NinjaDevice> DeviceList = [];

    internal NinjaOneData(Lock gate) => _gate = gate;

    public IReadOnlyList<NinjaOrganization> Organizations
    {
        get { lock (_gate) { return [.. OrganizationList]; } }
    }

    /// <summary>All devices, ordered by id.</summary>
    public IReadOnlyList<NinjaDevice> Devices
    {
        get { lock (_gate) { return [.. DeviceList]; } }
    }

    public IReadOnlyList<NinjaDevice> DevicesOf(int organizationId)
    {
        lock (_gate)
        {
            return [.. DeviceList.Where(d => d.OrganizationId == organizationId)];
        }
    }

    /// <summary>Keyset page: devices with id &gt; <paramref name="after"/> that match, at most <paramref name="pageSize"/>.</summary>
    internal List<NinjaDevice> DevicePage(Func<NinjaDevice, bool> match, int after, int pageSize)
    {
        lock (_gate)
        {
            var start = FirstIndexAfter(DeviceList, after, static d => d.Id);
            var page = new List<NinjaDevice>(Math.Min(pageSize, 1024));
            for (var i = start; i < DeviceList.Count && page.Count < pageSize; i++)
            {
                if (match(DeviceList[i]))
                {
                    page.Add(DeviceList[i]);
                }
            }

            return page;
        }
    }

    internal List<NinjaOrganization> OrganizationPage(int after, int pageSize)
    {
        lock (_gate)
        {
            var start = FirstIndexAfter(OrganizationList, after, static o => o.Id);
            return [.. OrganizationList.Skip(start).Take(pageSize)];
        }
    }

    internal NinjaOrganization? FindOrganization(int id)
    {
        lock (_gate)
        {
            return OrganizationList.Find(o => o.Id == id);
        }
    }

    /// <summary>Index of the first element whose key is greater than <paramref name="after"/> (list sorted by key).</summary>
    internal static int FirstIndexAfter<T>(List<T> sorted, int after, Func<T, int> key)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (key(sorted[mid]) <= after)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}

/// <summary>Huntress data (one account). Reads take the world lock and return snapshots.</summary>
public sealed class HuntressData
{
    public const int AccountId = 77;
    public const string AccountName = "Demo MSP";
    public const string AccountSubdomain = "demomsp";

    private readonly Lock _gate;
    internal readonly List<HuntressOrganization> OrganizationList = [];
    internal readonly List<HuntressAgent> AgentList = [];

    internal HuntressData(Lock gate) => _gate = gate;

    /// <summary>Organizations with <c>agents_count</c> filled from the current agents.</summary>
    public IReadOnlyList<HuntressOrganization> Organizations
    {
        get { lock (_gate) { return WithCounts(OrganizationList); } }
    }

    /// <summary>All agents, ordered by id.</summary>
    public IReadOnlyList<HuntressAgent> Agents
    {
        get { lock (_gate) { return [.. AgentList]; } }
    }

    internal List<HuntressOrganization> WithCounts(IEnumerable<HuntressOrganization> organizations)
    {
        lock (_gate)
        {
            var counts = AgentList.GroupBy(a => a.OrganizationId).ToDictionary(g => g.Key, g => g.Count());
            return [.. organizations.Select(o => o with { AgentsCount = counts.GetValueOrDefault(o.Id) })];
        }
    }
}

/// <summary>Pax8 data. Reads take the world lock and return snapshots.</summary>
public sealed class Pax8Data
{
    private readonly Lock _gate;
    internal readonly List<Pax8Company> CompanyList = [];
    internal readonly List<Pax8Product> ProductList = [];
    internal readonly List<Pax8Subscription> SubscriptionList = [];

    internal Pax8Data(Lock gate) => _gate = gate;

    public IReadOnlyList<Pax8Company> Companies
    {
        get { lock (_gate) { return [.. CompanyList]; } }
    }

    public IReadOnlyList<Pax8Product> Products
    {
        get { lock (_gate) { return [.. ProductList]; } }
    }

    public IReadOnlyList<Pax8Subscription> Subscriptions
    {
        get { lock (_gate) { return [.. SubscriptionList]; } }
    }
}

/// <summary>SonicWall data (MySonicWall tenants and their NSM inventories). Reads take the world lock.</summary>
public sealed class SonicWallData
{
    private readonly Lock _gate;
    internal readonly List<SonicWallTenant> TenantList = [];
    internal readonly List<SonicWallFirewall> FirewallList = [];

    internal SonicWallData(Lock gate) => _gate = gate;

    public IReadOnlyList<SonicWallTenant> Tenants
    {
        get { lock (_gate) { return [.. TenantList]; } }
    }

    public IReadOnlyList<SonicWallFirewall> Firewalls
    {
        get { lock (_gate) { return [.. FirewallList]; } }
    }

    public IReadOnlyList<SonicWallFirewall> FirewallsOf(string tenantId)
    {
        lock (_gate)
        {
            return [.. FirewallList.Where(f => f.TenantId == tenantId)];
        }
    }
}

/// <summary>Microsoft Graph data: the partner's GDAP customers and each customer tenant's subscribed SKUs.</summary>
public sealed class GraphData
{
    private readonly Lock _gate;
    internal readonly List<GraphCustomer> CustomerList = [];
    internal readonly List<GraphSubscribedSku> SkuList = [];

    internal GraphData(Lock gate) => _gate = gate;

    public IReadOnlyList<GraphCustomer> Customers
    {
        get { lock (_gate) { return [.. CustomerList]; } }
    }

    /// <summary>Every customer tenant's SKUs (see <see cref="GraphSubscribedSku.TenantId"/>).</summary>
    public IReadOnlyList<GraphSubscribedSku> Skus
    {
        get { lock (_gate) { return [.. SkuList]; } }
    }

    public IReadOnlyList<GraphSubscribedSku> SkusOf(Guid tenantId)
    {
        lock (_gate)
        {
            return [.. SkuList.Where(s => s.TenantId == tenantId)];
        }
    }

    public bool IsCustomer(Guid tenantId)
    {
        var id = tenantId.ToString();
        lock (_gate)
        {
            return CustomerList.Exists(c => c.TenantId == id);
        }
    }
}
