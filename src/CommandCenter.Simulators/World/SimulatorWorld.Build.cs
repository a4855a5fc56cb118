using System.Globalization;
using CommandCenter.Demo;
using static CommandCenter.Demo.DataGenerator;

namespace CommandCenter.Simulators.World;

public sealed partial class SimulatorWorld
{
    /// <summary>Per NinjaOne organization: the name prefix of its machines and the next number per name pattern.</summary>
    private sealed class OrgNaming(int organizationId, string prefix, string domain, int huntressOrganizationId, int locationId)
    {
        public int OrganizationId { get; } = organizationId;
        public string Prefix { get; } = prefix;
        public string Domain { get; } = domain;
        public int HuntressOrganizationId { get; } = huntressOrganizationId;
        public int LocationId { get; } = locationId;
        public Dictionary<string, int> Next { get; } = [];

        public int Take(string pattern, int start = 1)
        {
            var n = Next.GetValueOrDefault(pattern, start);
            Next[pattern] = n + 1;
            return n;
        }
    }

    private sealed record ProductSpec(string Name, string Sku, string VendorSku, Guid SkuId, string SkuPartNumber, decimal Price, decimal Cost);

    /// <summary>Vendor-only organization (the MSP's own lab) that matches no client.</summary>
    public const string InternalLabName = "Internal - MSP Lab";
    /// <summary>Vendor-only organization (a prospect on trial) that matches no client.</summary>
    public const string ProspectName = "Northwind Traders (Prospect)";

    /// <summary>Microsoft 365 products as Pax8 lists them, with the real Microsoft skuIds and part numbers.</summary>
    private static readonly ProductSpec[] ProductSpecs =
    [
        new(Items.M365BusinessBasic, "MST-NCE-BB-C1Y", "CFQ7TTC0LH18:0001", Guid.Parse("3b555118-da6a-4418-894f-7df1e2096870"), "O365_BUSINESS_ESSENTIALS", 7.20m, 6.00m),
        new(Items.M365BusinessStandard, "MST-NCE-BS-C1Y", "CFQ7TTC0LDPB:0001", Guid.Parse("f245ecc8-75af-4f8e-b61f-27d8114de5f3"), "O365_BUSINESS_PREMIUM", 15.00m, 12.50m),
        new(Items.M365BusinessPremium, "MST-NCE-BP-C1Y", "CFQ7TTC0LCHC:0002", Guid.Parse("cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"), "SPB", 26.40m, 22.00m),
        new(Items.ExchangeOnlinePlan1, "MST-NCE-EXO1-C1Y", "CFQ7TTC0LH16:0001", Guid.Parse("4b9405b0-7788-4568-add1-99614e613b69"), "EXCHANGESTANDARD", 4.80m, 4.00m),
        new("Microsoft 365 E3", "MST-NCE-E3-C1Y", "CFQ7TTC0LFLX:0001", Guid.Parse("05e9a617-0261-4cee-bb44-138d3ef5d965"), "SPE_E3", 43.20m, 36.00m),
        new("Microsoft 365 Apps for business", "MST-NCE-APPS-C1Y", "CFQ7TTC0LH1G:0001", Guid.Parse("cdd28e44-67e3-425e-be4c-737fab2899d3"), "O365_BUSINESS", 9.90m, 8.25m),
        new("Power BI Pro", "MST-NCE-PBIP-C1Y", "CFQ7TTC0L3PB:0001", Guid.Parse("f8a1db68-be16-40ed-86d5-cb42ce701560"), "POWER_BI_PRO", 16.80m, 14.00m),
    ];

    private static readonly Guid FlowFreeSkuId = Guid.Parse("f30db892-07e9-47e9-837c-80727f46fd3d");

    private static readonly GraphServicePlan[] CommonServicePlans =
    [
        new() { ServicePlanId = Guid.Parse("9aaf7827-d63c-4b61-89c3-182f06f82e5c"), ServicePlanName = "EXCHANGE_S_STANDARD" },
        new() { ServicePlanId = Guid.Parse("57ff2da0-773e-42df-b2af-ffb7a2317929"), ServicePlanName = "TEAMS1" },
        new() { ServicePlanId = Guid.Parse("5dbe027f-2339-4123-9542-606e4d348a72"), ServicePlanName = "SHAREPOINTSTANDARD" },
    ];

    private static readonly string[] Streets = ["Main St", "Commerce Dr", "Industrial Pkwy", "Oak Ave", "Market St", "Harbor Blvd", "Center St"];
    private static readonly string[] States = ["ID", "WA", "OR", "NV", "CA", "AZ", "NM", "TX", "KS", "OK", "NE", "IA", "WI", "MN", "IL", "OH", "PA", "CT", "RI", "ME"];

    private static SimulatorWorld Create(IReadOnlyList<ClientSpec> clients, int seed, TimeProvider? time, int? devicesPerOrganization, bool demoQuirks, bool vendorOnly)
    {
        time ??= TimeProvider.System;
        var asOf = time.GetUtcNow();
        var world = new SimulatorWorld(time, seed);
        var ids = new Random(seed);
        var products = BuildProducts(world);

        // Which demo clients get a quirk; picked by position so the same clients always show the same findings.
        var managed = Enumerable.Range(0, clients.Count).Where(i => clients[i].QuantityOf(Items.ManagedWorkstation) > 0).ToList();
        int[] Pick(int skip, int count) => demoQuirks ? [.. managed.Skip(skip).Where((_, k) => k % 3 == 0).Take(count)] : [];
        var moreDevices = Pick(0, 4);          // "devices added" since the agreement was set
        var fewerDevices = Pick(13, 1);        // one machine retired
        var extraServer = Pick(20, 1);
        var missingAgents = Pick(2, 3);        // Huntress not yet on every machine
        var agentsGone = Pick(11, 1);          // every Huntress agent uninstalled: a count that fell to zero
        var unassignedSeats = Pick(1, 5);      // purchased > assigned
        var splitTerms = Pick(4, 2);           // monthly + annual subscriptions of one product
        var cancelled = Pick(5, 2);
        var trial = Pick(6, 1);
        var freeSku = Pick(7, 3);
        var offlineFirewall = Pick(8, 1);

        var specs = clients.Select((c, i) => (Spec: (ClientSpec?)c, Name: c.Name, Index: i)).ToList();
        if (vendorOnly)
        {
            specs.Add((null, InternalLabName, clients.Count));
            specs.Add((null, ProspectName, clients.Count + 1));
        }

        var usedPrefixes = new HashSet<string>(StringComparer.Ordinal);
        var usedSerials = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (spec, name, index) in specs)
        {
            var rng = new Random(unchecked((seed * 7919) + (index * 104729)));
            var names = demoQuirks && spec is not null ? VendorNames(name, index) : new VendorNameSet(name, name, name, name, name);

            // NinjaOne organization and devices.
            var ninjaId = 2 + index;
            var huntressId = 4001 + index;
            var naming = new OrgNaming(ninjaId, UniquePrefix(name, usedPrefixes), Domain(name), huntressId, 100 + ninjaId);
            world._naming[ninjaId] = naming;
            world.NinjaOne.OrganizationList.Add(new NinjaOrganization
            {
                Id = ninjaId,
                Name = names.NinjaOne,
                Description = spec is null ? "Not a billed client" : Inv($"Managed since {asOf.Year - 1 - rng.Next(0, 6)}"),
                NodeApprovalMode = rng.NextDouble() < 0.8 ? "AUTOMATIC" : "MANUAL",
                LocationId = naming.LocationId,
            });

            var (workstations, servers) = DeviceCounts(spec, name, devicesPerOrganization);
            if (moreDevices.Contains(index))
            {
                workstations += 1 + (index % 3);
            }

            if (fewerDevices.Contains(index) && workstations > 1)
            {
                workstations--;
            }

            if (extraServer.Contains(index))
            {
                servers++;
            }

            var devices = new List<NinjaDevice>();
            for (var i = 0; i < workstations; i++)
            {
                var roll = rng.NextDouble();
                var nodeClass = roll < 0.88 ? NinjaValues.WindowsWorkstation : roll < 0.98 ? NinjaValues.Mac : NinjaValues.LinuxWorkstation;
                devices.Add(world.NewDevice(rng, naming, nodeClass, NinjaValues.Approved, asOf, null));
            }

            for (var i = 0; i < servers; i++)
            {
                var nodeClass = rng.NextDouble() < 0.12 ? NinjaValues.LinuxServer : NinjaValues.WindowsServer;
                devices.Add(world.NewDevice(rng, naming, nodeClass, NinjaValues.Approved, asOf, null));
            }

            foreach (var (nodeClass, status) in Others(rng, spec, devicesPerOrganization, workstations + servers, servers > 0))
            {
                devices.Add(world.NewDevice(rng, naming, nodeClass, status, asOf, null));
            }

            world.NinjaOne.DeviceList.AddRange(devices);

            // Huntress organization and an agent per approved computer (less a couple where the agent is missing).
            var graphTenant = NewGuid(ids);
            world.Huntress.OrganizationList.Add(new HuntressOrganization
            {
                Id = huntressId,
                AccountId = HuntressData.AccountId,
                Name = names.Huntress,
                Key = Slug(name),
                CreatedAt = asOf.AddDays(-rng.Next(200, 1500)),
                UpdatedAt = asOf.AddHours(-rng.Next(1, 72)),
                IncidentReportsCount = rng.Next(0, 4),
                LogsSourcesCount = rng.NextDouble() < 0.2 ? rng.Next(1, 4) : 0,
                BillableIdentityCount = spec is null ? 0 : (int)Items.Microsoft365.Sum(spec.QuantityOf),
                SatLearnerCount = spec is null || rng.NextDouble() < 0.5 ? 0 : (int)spec.QuantityOf(Items.ManagedWorkstation),
                IdentityProviderTenantId = rng.NextDouble() < 0.5 ? graphTenant.ToString() : null,
                ReportRecipients = spec is null ? [] : ["it@" + Domain(name).Replace(".local", ".com", StringComparison.Ordinal)],
            });
            var computers = devices.Where(d => d.ApprovalStatus == NinjaValues.Approved && (NinjaValues.WorkstationClasses.Contains(d.NodeClass) || NinjaValues.ServerClasses.Contains(d.NodeClass))).ToList();
            var skip = agentsGone.Contains(index) ? computers.Count : missingAgents.Contains(index) ? 1 + (index % 2) : 0;
            foreach (var device in computers.Skip(skip))
            {
                world.AddAgentFor(rng, device, naming, asOf);
            }

            // Pax8 company and subscriptions, Graph tenant and SKUs.
            var companyId = NewGuid(ids);
            world.Pax8.CompanyList.Add(new Pax8Company
            {
                Id = companyId,
                Name = names.Pax8,
                Address = new Pax8Address
                {
                    Street = Inv($"{rng.Next(100, 9900)} {Streets[rng.Next(Streets.Length)]}"),
                    City = DataGeneratorCity(rng),
                    StateOrProvince = States[rng.Next(States.Length)],
                    PostalCode = Inv($"{rng.Next(10000, 99999)}"),
                },
                Phone = Inv($"+1 555 {rng.Next(200, 999)} {rng.Next(1000, 9999)}"),
                Website = "https://www." + Domain(name).Replace(".local", ".com", StringComparison.Ordinal),
                ExternalId = rng.NextDouble() < 0.3 ? graphTenant.ToString() : null,
                BillOnBehalfOfEnabled = true,
                SelfServiceAllowed = rng.NextDouble() < 0.2,
                UpdatedDate = asOf.AddDays(-rng.Next(1, 300)),
            });

            var lines = spec is null
                ? name == InternalLabName ? [new LineSpec(Items.M365BusinessPremium, 6)] : new List<LineSpec>()
                : spec.Lines.Where(l => Items.Microsoft365.Contains(l.ItemName)).ToList();
            var subs = new List<Pax8Subscription>();
            foreach (var line in lines.GroupBy(l => l.ItemName))
            {
                var product = products[line.Key];
                var quantity = line.Sum(l => l.Quantity);
                if (splitTerms.Contains(index) && quantity >= 3 && subs.Count == 0)
                {
                    var monthly = Math.Min(3, quantity - 1);
                    subs.Add(NewSubscription(rng, ids, companyId, product, quantity - monthly, "Active", "Annual", "1-Year", asOf));
                    subs.Add(NewSubscription(rng, ids, companyId, product, monthly, "Active", "Monthly", "Monthly", asOf));
                }
                else
                {
                    subs.Add(NewSubscription(rng, ids, companyId, product, quantity, "Active", "Monthly", "1-Year", asOf));
                }
            }

            if (cancelled.Contains(index))
            {
                var old = lines.Any(l => l.ItemName == Items.M365BusinessBasic) ? products[Items.ExchangeOnlinePlan1] : products[Items.M365BusinessBasic];
                subs.Add(NewSubscription(rng, ids, companyId, old, rng.Next(2, 8), "Cancelled", "Monthly", "Monthly", asOf) with { EndDate = asOf.AddDays(-rng.Next(20, 200)) });
            }

            if (trial.Contains(index) || name == ProspectName)
            {
                subs.Add(NewSubscription(rng, ids, companyId, products[Items.M365BusinessPremium], 25, "Trial", "Trial", "Trial", asOf) with { EndDate = asOf.AddDays(rng.Next(5, 25)) });
            }

            world.Pax8.SubscriptionList.AddRange(subs);

            var customerName = names.Graph;
            world.Graph.CustomerList.Add(new GraphCustomer { Id = graphTenant.ToString(), TenantId = graphTenant.ToString(), DisplayName = customerName });
            var firstSku = true;
            foreach (var group in subs.Where(s => s.Status == "Active").GroupBy(s => s.VendorSkuId))
            {
                var product = products.Values.First(p => p.GraphSkuId == group.Key);
                var enabled = (int)group.Sum(s => s.Quantity);
                var consumed = firstSku && unassignedSeats.Contains(index) ? Math.Max(0, enabled - 1 - (index % 4)) : enabled;
                firstSku = false;
                world.Graph.SkuList.Add(NewSku(graphTenant, customerName, product.GraphSkuId, product.GraphSkuPartNumber, enabled, consumed, [.. group.Select(s => s.VendorSubscriptionId)]));
            }

            if (freeSku.Contains(index))
            {
                world.Graph.SkuList.Add(NewSku(graphTenant, customerName, FlowFreeSkuId, "FLOW_FREE", 10000, rng.Next(1, 6), [NewGuid(ids)]));
            }

            // SonicWall tenant (one product group per client) with its managed firewalls.
            var tenantId = Inv($"{1644100 + index}");
            world.SonicWall.TenantList.Add(new SonicWallTenant(tenantId, names.SonicWall, UniqueHex(rng, "C0EAE4", usedSerials)));
            var firewalls = spec is null ? (name == InternalLabName ? 1 : 0) : (int)spec.QuantityOf(Items.FirewallManagement);
            for (var i = 1; i <= firewalls; i++)
            {
                var model = spec?.Size switch { ClientSize.Large => i == 1 ? "NSa 2700" : "TZ370", ClientSize.Mid => "TZ370", _ => "TZ270" };
                var firewall = NewFirewall(rng, tenantId, FirewallName(name, i), model, asOf, usedSerials);
                world.SonicWall.FirewallList.Add(offlineFirewall.Contains(index) && i == 1
                    ? firewall with { Online = false, LastSeen = asOf.AddDays(-3).AddMinutes(-rng.Next(0, 600)) }
                    : firewall);
            }

            world._companies.Add(new SimulatedCompany(spec?.Name, name, ninjaId, companyId, huntressId, tenantId, graphTenant));
        }

        return world;
    }

    private sealed record VendorNameSet(string NinjaOne, string Pax8, string Huntress, string SonicWall, string Graph);

    /// <summary>Three demo clients carry the small differences real vendor records have; the rest match exactly.</summary>
    private static VendorNameSet VendorNames(string name, int index) => index switch
    {
        3 => new(name + ", Inc.", name + " Incorporated", name + " Inc", name, name + ", Inc."),
        11 => new(name, name + " LLC", name, name + " LLC", name + " LLC"),
        22 => new(name.Contains('&', StringComparison.Ordinal) ? name.Replace("&", "and", StringComparison.Ordinal) : name + " Co.", "The " + name, name, name, "The " + name),
        _ => new(name, name, name, name, name),
    };

    private static (int Workstations, int Servers) DeviceCounts(ClientSpec? spec, string name, int? devicesPerOrganization)
    {
        if (devicesPerOrganization is { } total)
        {
            var servers = total == 0 ? 0 : Math.Max(1, (int)Math.Round(total * 0.06));
            var others = (int)Math.Round(total * 0.06);
            return (Math.Max(0, total - servers - others), Math.Min(servers, total));
        }

        if (spec is null)
        {
            return name == InternalLabName ? (4, 1) : (3, 0);
        }

        return ((int)spec.QuantityOf(Items.ManagedWorkstation), (int)spec.QuantityOf(Items.ManagedServer));
    }

    /// <summary>Devices that are not billed: not approved, or of a class outside workstations and servers.</summary>
    private static IEnumerable<(string NodeClass, string Status)> Others(Random rng, ClientSpec? spec, int? devicesPerOrganization, int computers, bool hasServers)
    {
        if (devicesPerOrganization is { } total)
        {
            var (workstations, servers) = DeviceCounts(null, "", total);
            var remaining = total - workstations - servers;
            string[] kinds = [NinjaValues.Pending, NinjaValues.VmwareGuest, NinjaValues.NmsSwitch, NinjaValues.AppleIos, NinjaValues.Staged, NinjaValues.NmsFirewall];
            for (var i = 0; i < remaining; i++)
            {
                var kind = kinds[i % kinds.Length];
                yield return kind is NinjaValues.Pending or NinjaValues.Staged ? (NinjaValues.WindowsWorkstation, kind) : (kind, NinjaValues.Approved);
            }

            yield break;
        }

        if (computers == 0)
        {
            yield break;
        }

        if (rng.NextDouble() < 0.25)
        {
            yield return (NinjaValues.WindowsWorkstation, NinjaValues.Pending);
        }

        if (rng.NextDouble() < 0.1)
        {
            yield return (NinjaValues.Mac, NinjaValues.Staged);
        }

        if (rng.NextDouble() < 0.12)
        {
            yield return (NinjaValues.WindowsWorkstation, NinjaValues.Decommissioned);
        }

        if (hasServers && rng.NextDouble() < 0.3)
        {
            for (var i = rng.Next(1, 3); i > 0; i--)
            {
                yield return (NinjaValues.VmwareGuest, NinjaValues.Approved);
            }
        }

        if (spec is not null && spec.QuantityOf(Items.NetworkDeviceManagement) > 0 && rng.NextDouble() < 0.4)
        {
            for (var i = rng.Next(1, 3); i > 0; i--)
            {
                yield return (NinjaValues.NmsSwitch, NinjaValues.Approved);
            }
        }

        if (spec is not null && rng.NextDouble() < 0.3)
        {
            for (var i = (int)spec.QuantityOf(Items.FirewallManagement); i > 0; i--)
            {
                yield return (NinjaValues.NmsFirewall, NinjaValues.Approved);
            }
        }

        if (rng.NextDouble() < 0.15)
        {
            for (var i = rng.Next(1, 4); i > 0; i--)
            {
                yield return (NinjaValues.AppleIos, NinjaValues.Approved);
            }
        }
    }

    private NinjaDevice NewDevice(Random rng, OrgNaming naming, string nodeClass, string approvalStatus, DateTimeOffset asOf, DateTimeOffset? createdAt)
    {
        var (name, os, manufacturer, model) = nodeClass switch
        {
            NinjaValues.WindowsWorkstation when rng.NextDouble() < 0.6 => (Inv($"{naming.Prefix}-LT-{naming.Take("LT", 1 + rng.Next(0, 5)):000}"), WindowsClientOs(rng), "Dell Inc.", "Latitude 5440"),
            NinjaValues.WindowsWorkstation => (Inv($"{naming.Prefix}-WS-{naming.Take("WS", 1 + rng.Next(0, 5)):000}"), WindowsClientOs(rng), "Dell Inc.", "OptiPlex 7010"),
            NinjaValues.Mac => (Inv($"{naming.Prefix}-MBP-{naming.Take("MBP"):00}"), "macOS 14.6.1", "Apple Inc.", "MacBookPro18,3"),
            NinjaValues.LinuxWorkstation => (Inv($"{naming.Prefix}-LNX-{naming.Take("LNX"):00}"), "Ubuntu 22.04.4 LTS", "LENOVO", "ThinkPad T14"),
            NinjaValues.WindowsServer => (ServerName(naming), WindowsServerOs(rng), "Dell Inc.", "PowerEdge R650"),
            NinjaValues.LinuxServer => (Inv($"{naming.Prefix}-UBU{naming.Take("UBU"):00}"), "Ubuntu 22.04.4 LTS", "VMware, Inc.", "VMware Virtual Platform"),
            NinjaValues.VmwareGuest => (Inv($"{naming.Prefix}-VM-{naming.Take("VM"):00}"), "Windows Server 2022 Standard", "VMware, Inc.", "VMware7,1"),
            NinjaValues.NmsSwitch => (Inv($"{naming.Prefix}-SW-{naming.Take("SW"):00}"), null, "Ubiquiti", "USW-24-PoE"),
            NinjaValues.NmsFirewall => (Inv($"{naming.Prefix}-FW-{naming.Take("FW"):00}"), null, "SonicWall", "TZ370"),
            NinjaValues.AppleIos => (Inv($"{naming.Prefix}-IPH-{naming.Take("IPH"):00}"), "iOS 17.5", "Apple Inc.", "iPhone15,2"),
            _ => (Inv($"{naming.Prefix}-DEV-{naming.Take("DEV"):00}"), null, null, null),
        };

        var created = createdAt ?? asOf.AddDays(-rng.Next(20, 1500)).AddSeconds(-rng.Next(0, 86400));
        var offline = approvalStatus == NinjaValues.Approved ? rng.NextDouble() < 0.08 : rng.NextDouble() < 0.6;
        var lastContact = createdAt ?? (offline ? asOf.AddDays(-rng.Next(2, 40)) : asOf.AddMinutes(-rng.Next(0, 240))).AddMilliseconds(-rng.Next(0, 1000));
        var isNms = nodeClass.StartsWith("NMS_", StringComparison.Ordinal);
        return new NinjaDevice
        {
            Id = _nextDeviceId++,
            Uid = NewGuid(rng),
            OrganizationId = naming.OrganizationId,
            LocationId = naming.LocationId,
            NodeClass = nodeClass,
            NodeRoleId = nodeClass switch { NinjaValues.WindowsServer => 2, NinjaValues.Mac => 3, _ when isNms => 10, _ => 1 },
            RolePolicyId = 7,
            PolicyId = NinjaValues.ServerClasses.Contains(nodeClass) ? 12 : 11,
            ApprovalStatus = approvalStatus,
            Offline = offline,
            DisplayName = name,
            SystemName = name,
            DnsName = isNms ? null : name.ToLowerInvariant() + "." + naming.Domain,
            NetbiosName = isNms || nodeClass == NinjaValues.AppleIos ? null : name,
            Created = Epoch(created),
            LastContact = Epoch(lastContact),
            LastUpdate = Epoch(lastContact) + 10,
            IpAddress = Inv($"10.{rng.Next(0, 20)}.{rng.Next(0, 4)}.{rng.Next(10, 250)}"),
            MacAddress = Mac(rng),
            PublicIp = Inv($"203.0.113.{rng.Next(1, 254)}"),
            OsName = os,
            Manufacturer = manufacturer,
            Model = model,
            SerialNumber = UniqueHexNoCheck(rng, 7),
        };
    }

    private static string ServerName(OrgNaming naming)
    {
        string[] roles = ["DC", "FS", "APP", "SQL", "RDS", "BK", "PRT"];
        var n = naming.Take("SRV", 0);
        return n < roles.Length
            ? Inv($"{naming.Prefix}-{roles[n]}01")
            : Inv($"{naming.Prefix}-{roles[n % roles.Length]}{(n / roles.Length) + 1:00}");
    }

    private void AddAgentFor(Random rng, NinjaDevice device, OrgNaming naming, DateTimeOffset asOf)
    {
        var osName = device.OsName ?? "";
        var (platform, major, minor, build) = device.NodeClass switch
        {
            NinjaValues.Mac => ("darwin", 14, 6, "23G93"),
            NinjaValues.LinuxWorkstation or NinjaValues.LinuxServer => ("linux", 22, 4, "5.15.0-119"),
            NinjaValues.WindowsServer => ("windows", 10, 0, osName.Contains("2022", StringComparison.Ordinal) ? "20348" : osName.Contains("2019", StringComparison.Ordinal) ? "17763" : "14393"),
            _ => ("windows", 10, 0, osName.StartsWith("Windows 11", StringComparison.Ordinal) ? "22631" : "19045"),
        };
        var created = DateTimeOffset.FromUnixTimeMilliseconds((long)(device.Created * 1000)).AddHours(rng.Next(1, 48));
        if (created > asOf)
        {
            created = asOf;
        }

        var lastCallback = DateTimeOffset.FromUnixTimeMilliseconds((long)(device.LastContact * 1000));
        Huntress.AgentList.Add(new HuntressAgent
        {
            Id = _nextAgentId++,
            AccountId = HuntressData.AccountId,
            OrganizationId = naming.HuntressOrganizationId,
            Hostname = device.SystemName,
            Platform = platform,
            Os = device.OsName ?? "Unknown",
            OsMajor = major,
            OsMinor = minor,
            OsBuildVersion = build,
            Version = "0.14.12",
            EdrVersion = platform == "windows" ? "1.9.3" : null,
            Arch = platform == "darwin" ? "arm64" : "x86_64",
            DomainName = platform == "windows" ? naming.Domain : null,
            ExternalIp = device.PublicIp,
            Ipv4Address = device.IpAddress,
            MacAddresses = device.MacAddress is null ? [] : [device.MacAddress],
            SerialNumber = device.SerialNumber,
            DefenderStatus = platform == "windows" ? (rng.NextDouble() < 0.95 ? "Healthy" : "Unhealthy") : null,
            FirewallStatus = platform == "windows" ? "Enabled" : null,
            CreatedAt = created,
            UpdatedAt = lastCallback,
            LastCallbackAt = lastCallback,
        });
    }

    private static Dictionary<string, Pax8Product> BuildProducts(SimulatorWorld world)
    {
        // Product ids are the same in every world: a partner's catalog does not depend on its clients.
        var rng = new Random(8675309);
        var map = new Dictionary<string, Pax8Product>(StringComparer.Ordinal);
        foreach (var p in ProductSpecs)
        {
            var product = new Pax8Product
            {
                Id = NewGuid(rng),
                Name = p.Name,
                ShortDescription = p.Name + " (NCE, annual commitment)",
                Sku = p.Sku,
                VendorSku = p.VendorSku,
                GraphSkuId = p.SkuId,
                GraphSkuPartNumber = p.SkuPartNumber,
            };
            world.Pax8.ProductList.Add(product);
            map[p.Name] = product;
        }

        return map;
    }

    private static Pax8Subscription NewSubscription(Random rng, Random ids, Guid companyId, Pax8Product product, decimal quantity, string status, string billingTerm, string commitment, DateTimeOffset asOf)
    {
        var spec = ProductSpecs.First(p => p.Name == product.Name);
        var monthlyUplift = commitment == "Monthly" ? 1.2m : 1m;
        var start = new DateTimeOffset(asOf.UtcDateTime.Date, TimeSpan.Zero).AddDays(-rng.Next(40, 900));
        start = new DateTimeOffset(start.Year, start.Month, 1, 0, 0, 0, TimeSpan.Zero);
        DateTimeOffset? end = null;
        if (commitment == "1-Year")
        {
            var e = start.AddYears(1);
            while (e <= asOf)
            {
                e = e.AddYears(1);
            }

            end = e;
        }

        return new Pax8Subscription
        {
            Id = NewGuid(ids),
            CompanyId = companyId,
            ProductId = product.Id,
            VendorSubscriptionId = NewGuid(ids),
            VendorSkuId = product.GraphSkuId,
            Quantity = quantity,
            StartDate = start,
            EndDate = end,
            CreatedDate = start.AddDays(-rng.Next(1, 5)).AddSeconds(rng.Next(0, 86400)),
            UpdatedDate = asOf.AddDays(-rng.Next(1, 60)).AddSeconds(-rng.Next(0, 86400)),
            BillingStart = DateOnly.FromDateTime(start.UtcDateTime),
            Status = status,
            Price = Math.Round(spec.Price * monthlyUplift, 2),
            PartnerCost = Math.Round(spec.Cost * monthlyUplift, 2),
            ProductName = product.Name,
            BillingTerm = billingTerm,
            CommitmentTerm = commitment == "Trial" ? null : new Pax8CommitmentTerm { Id = NewGuid(ids), Term = commitment, AutoRenew = commitment != "Monthly" || rng.NextDouble() < 0.9 },
        };
    }

    private static GraphSubscribedSku NewSku(Guid tenant, string accountName, Guid skuId, string partNumber, int enabled, int consumed, IReadOnlyList<Guid> subscriptionIds) => new()
    {
        AccountName = accountName,
        AccountId = tenant.ToString(),
        TenantId = tenant,
        ConsumedUnits = consumed,
        Id = tenant + "_" + skuId,
        PrepaidUnits = new GraphPrepaidUnits { Enabled = enabled },
        ServicePlans = CommonServicePlans,
        SkuId = skuId,
        SkuPartNumber = partNumber,
        SubscriptionIds = subscriptionIds,
    };

    private static SonicWallFirewall NewFirewall(Random rng, string tenantId, string friendlyName, string model, DateTimeOffset asOf, HashSet<string>? used = null)
    {
        string[] firmware = ["7.1.1-7058", "7.1.2-7019", "7.0.1-5145"];
        return new SonicWallFirewall
        {
            SerialNumber = used is null ? "2CB8ED" + UniqueHexNoCheck(rng, 6) : UniqueHex(rng, "2CB8ED", used),
            FriendlyName = friendlyName,
            Model = model,
            FirmwareVersion = firmware[rng.Next(firmware.Length)],
            Online = true,
            LastSeen = asOf.AddMinutes(-rng.Next(0, 30)).AddSeconds(-rng.Next(0, 60)),
            SupportExpiry = DateOnly.FromDateTime(asOf.UtcDateTime).AddDays(rng.Next(-30, 700)),
            TenantId = tenantId,
        };
    }

    private static string FirewallName(string companyName, int index)
    {
        var stem = new string([.. companyName.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).SelectMany(w => w.Where(char.IsLetterOrDigit))]);
        return stem + (index == 1 ? "-HQ" : Inv($"-Branch{index - 1}"));
    }

    private static string WindowsClientOs(Random rng)
    {
        var r = rng.NextDouble();
        return r < 0.68 ? "Windows 11 Pro" : r < 0.95 ? "Windows 10 Pro" : "Windows 11 Enterprise";
    }

    private static string WindowsServerOs(Random rng)
    {
        var r = rng.NextDouble();
        return r < 0.6 ? "Windows Server 2022 Standard" : r < 0.92 ? "Windows Server 2019 Standard" : "Windows Server 2016 Standard";
    }

    private static string UniquePrefix(string name, HashSet<string> used)
    {
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => char.IsLetter(w[0])).ToArray();
        var prefix = words.Length >= 2
            ? new string([.. words.Take(3).Select(w => char.ToUpperInvariant(w[0]))])
            : new string([.. name.Where(char.IsLetter).Take(3).Select(char.ToUpperInvariant)]);
        if (prefix.Length == 0)
        {
            prefix = "ORG";
        }

        var candidate = prefix;
        for (var n = 2; !used.Add(candidate); n++)
        {
            candidate = prefix + n.ToString(CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    private static string Domain(string name) =>
        new string([.. name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).SelectMany(w => w.Where(char.IsLetterOrDigit)).Select(char.ToLowerInvariant)]) + ".local";

    private static string Slug(string name) =>
        new string([.. name.Where(c => char.IsLetterOrDigit(c) || c == ' ').Select(c => c == ' ' ? '-' : char.ToLowerInvariant(c))]).Replace("--", "-", StringComparison.Ordinal);

    private static string DataGeneratorCity(Random rng)
    {
        string[] cities = ["Boise", "Tacoma", "Spokane", "Eugene", "Reno", "Fresno", "Tucson", "Omaha", "Madison", "Dayton", "Hartford", "Raleigh"];
        return cities[rng.Next(cities.Length)];
    }

    private static Guid NewGuid(Random rng)
    {
        Span<byte> bytes = stackalloc byte[16];
        rng.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private static string UniqueHex(Random rng, string prefix, HashSet<string> used)
    {
        while (true)
        {
            var candidate = prefix + UniqueHexNoCheck(rng, 12 - prefix.Length);
            if (used.Add(candidate))
            {
                return candidate;
            }
        }
    }

    private static string UniqueHexNoCheck(Random rng, int length)
    {
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = "0123456789ABCDEF"[rng.Next(16)];
        }

        return new string(chars);
    }

    private static string Mac(Random rng) => Inv($"00:15:5d:{rng.Next(256):x2}:{rng.Next(256):x2}:{rng.Next(256):x2}");

    private static double Epoch(DateTimeOffset instant) => Math.Round(instant.ToUnixTimeMilliseconds() / 1000.0, 3);

    private static string Inv(FormattableString value) => FormattableString.Invariant(value);
}
