using CommandCenter.Demo;
using CommandCenter.Simulators.World;
using Microsoft.Extensions.Time.Testing;
using static CommandCenter.Demo.DataGenerator;

namespace CommandCenter.IntegrationTests.Simulators;

/// <summary>The demo world matches the demo tenant closely enough to reconcile, with the differences a demo should show.</summary>
public sealed class SimulatorWorldTests
{
    private static readonly IReadOnlyList<ClientSpec> Clients = Generate(DemoSeeder.DemoClientCount, DemoSeeder.DemoGeneratorSeed);
    private static readonly SimulatorWorld World = SimulatorWorld.CreateDemo(new FakeTimeProvider(new DateTimeOffset(2026, 3, 15, 12, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void CreateDemo_EveryClientInEveryVendor_PlusTwoVendorOnlyOrganizations()
    {
        World.Companies.Count.ShouldBe(42);
        World.Companies.Where(c => c.ClientName is not null).Select(c => c.ClientName).ShouldBe(Clients.Select(c => c.Name));
        World.Companies.Where(c => c.ClientName is null).Select(c => c.CanonicalName)
            .ShouldBe([SimulatorWorld.InternalLabName, SimulatorWorld.ProspectName]);
        World.NinjaOne.Organizations.Count.ShouldBe(42);
        World.Huntress.Organizations.Count.ShouldBe(42);
        World.Pax8.Companies.Count.ShouldBe(42);
        World.SonicWall.Tenants.Count.ShouldBe(42);
        World.Graph.Customers.Count.ShouldBe(42);
    }

    [Fact]
    public void CreateDemo_AFewVendorNamesDiffer_ButStillContainTheClientName()
    {
        var differing = new HashSet<string>();
        foreach (var company in World.Companies.Where(c => c.ClientName is not null))
        {
            string[] names =
            [
                World.NinjaOne.Organizations.Single(o => o.Id == company.NinjaOneOrganizationId).Name,
                World.Pax8.Companies.Single(o => o.Id == company.Pax8CompanyId).Name,
                World.Huntress.Organizations.Single(o => o.Id == company.HuntressOrganizationId).Name,
                World.SonicWall.Tenants.Single(o => o.TenantId == company.SonicWallTenantId).Name,
                World.Graph.Customers.Single(o => o.TenantId == company.GraphTenantId.ToString()).DisplayName,
            ];
            foreach (var name in names.Where(n => n != company.ClientName))
            {
                differing.Add(company.ClientName!);
                var core = company.ClientName!.Replace("&", "and", StringComparison.Ordinal);
                (name.Contains(company.ClientName!, StringComparison.Ordinal) || name.Contains(core, StringComparison.Ordinal)).ShouldBeTrue(name);
            }
        }

        differing.Count.ShouldBe(3);
    }

    [Fact]
    public void CreateDemo_NinjaOneCounts_FollowTheLines_WithAHandfulChanged()
    {
        var changed = 0;
        foreach (var company in World.Companies.Where(c => c.ClientName is not null))
        {
            var spec = Clients.Single(c => c.Name == company.ClientName);
            var devices = World.NinjaOne.DevicesOf(company.NinjaOneOrganizationId);
            var workstations = devices.Count(NinjaValues.IsBillableWorkstation);
            var servers = devices.Count(NinjaValues.IsBillableServer);
            var delta = Math.Abs(workstations - (int)spec.QuantityOf(Items.ManagedWorkstation)) + Math.Abs(servers - (int)spec.QuantityOf(Items.ManagedServer));
            delta.ShouldBeLessThanOrEqualTo(3, company.ClientName);
            changed += delta > 0 ? 1 : 0;
        }

        changed.ShouldBeInRange(3, 8);
        var all = World.NinjaOne.Devices;
        all.ShouldContain(d => d.ApprovalStatus == NinjaValues.Pending);
        all.ShouldContain(d => d.ApprovalStatus == NinjaValues.Staged);
        all.ShouldContain(d => d.ApprovalStatus == NinjaValues.Decommissioned);
        string[] otherClasses = [NinjaValues.VmwareGuest, NinjaValues.NmsSwitch, NinjaValues.NmsFirewall, NinjaValues.AppleIos];
        foreach (var nodeClass in otherClasses)
        {
            all.ShouldContain(d => d.NodeClass == nodeClass);
        }

        all.Select(d => d.Id).ShouldBeUnique();
        all.ShouldContain(d => d.SystemName.EndsWith("-DC01", StringComparison.Ordinal));
        all.ShouldContain(d => d.SystemName.Contains("-LT-0", StringComparison.Ordinal));
    }

    [Fact]
    public void CreateDemo_HuntressAgents_AreTheNinjaOneComputers_LessAFewMissing()
    {
        var missing = 0;
        var gone = 0;
        foreach (var company in World.Companies)
        {
            var computers = World.NinjaOne.DevicesOf(company.NinjaOneOrganizationId)
                .Where(d => NinjaValues.IsBillableWorkstation(d) || NinjaValues.IsBillableServer(d))
                .Select(d => d.SystemName)
                .ToHashSet();
            var agents = World.Huntress.Agents.Where(a => a.OrganizationId == company.HuntressOrganizationId).ToList();
            agents.ShouldAllBe(a => computers.Contains(a.Hostname));
            agents.ShouldAllBe(a => a.Platform == "windows" || a.Platform == "darwin" || a.Platform == "linux");
            if (agents.Count == 0 && computers.Count > 0)
            {
                // The demo's one client whose agents were all uninstalled (a count that fell to zero).
                gone++;
                continue;
            }

            missing += computers.Count - agents.Count;
        }

        missing.ShouldBeInRange(1, 6);
        gone.ShouldBe(1);
        World.Huntress.Agents.ShouldContain(a => a.Os == "Windows Server 2022 Standard" || a.Os == "Windows Server 2019 Standard");
        World.Huntress.Agents.ShouldContain(a => a.Os.StartsWith("Windows 11", StringComparison.Ordinal));
    }

    [Fact]
    public void CreateDemo_Pax8ActiveQuantities_AreTheM365Lines_AndGraphPrepaidMatchesPax8()
    {
        var products = World.Pax8.Products.ToDictionary(p => p.Id);
        foreach (var company in World.Companies.Where(c => c.ClientName is not null))
        {
            var spec = Clients.Single(c => c.Name == company.ClientName);
            var active = World.Pax8.Subscriptions.Where(s => s.CompanyId == company.Pax8CompanyId && s.Status == "Active").ToList();
            foreach (var item in Items.Microsoft365)
            {
                active.Where(s => products[s.ProductId].Name == item).Sum(s => s.Quantity).ShouldBe(spec.QuantityOf(item), $"{company.ClientName} {item}");
            }

            var skus = World.Graph.SkusOf(company.GraphTenantId);
            foreach (var group in active.GroupBy(s => s.VendorSkuId))
            {
                var sku = skus.Single(s => s.SkuId == group.Key);
                sku.PrepaidUnits.Enabled.ShouldBe((int)group.Sum(s => s.Quantity));
                sku.ConsumedUnits.ShouldBeLessThanOrEqualTo(sku.PrepaidUnits.Enabled);
            }
        }

        World.Graph.Skus.Count(s => s.ConsumedUnits < s.PrepaidUnits.Enabled && s.SkuPartNumber != "FLOW_FREE").ShouldBeInRange(3, 6);
        World.Pax8.Subscriptions.ShouldContain(s => s.Status == "Cancelled");
        World.Pax8.Subscriptions.ShouldContain(s => s.Status == "Trial");
        World.Pax8.Subscriptions.Where(s => s.Status == "Active").GroupBy(s => (s.CompanyId, s.ProductId))
            .Count(g => g.Select(s => s.BillingTerm).Distinct().Count() == 2).ShouldBe(2);
    }

    [Fact]
    public void CreateDemo_SonicWallFirewalls_AreTheFirewallLines()
    {
        foreach (var company in World.Companies.Where(c => c.ClientName is not null))
        {
            var spec = Clients.Single(c => c.Name == company.ClientName);
            World.SonicWall.FirewallsOf(company.SonicWallTenantId).Count.ShouldBe((int)spec.QuantityOf(Items.FirewallManagement));
        }

        World.SonicWall.Firewalls.ShouldAllBe(f => f.SerialNumber.Length == 12 && f.SerialNumber.All(Uri.IsHexDigit));
        World.SonicWall.Firewalls.Select(f => f.SerialNumber).ShouldBeUnique();
        World.SonicWall.Firewalls.Select(f => f.Model).Distinct().ShouldBeSubsetOf(["TZ270", "TZ370", "NSa 2700"]);
    }

    [Fact]
    public void CreateDemo_SameClock_SameWorld()
    {
        var again = SimulatorWorld.CreateDemo(new FakeTimeProvider(new DateTimeOffset(2026, 3, 15, 12, 0, 0, TimeSpan.Zero)));
        again.NinjaOne.Devices.Select(d => (d.Id, d.SystemName, d.NodeClass, d.Uid)).ShouldBe(World.NinjaOne.Devices.Select(d => (d.Id, d.SystemName, d.NodeClass, d.Uid)));
        again.Pax8.Subscriptions.Select(s => (s.Id, s.Quantity)).ShouldBe(World.Pax8.Subscriptions.Select(s => (s.Id, s.Quantity)));
        again.Graph.Customers.ShouldBe(World.Graph.Customers);
    }

    [Fact]
    public void AddAndRetireDevice_KeepNinjaOneAndHuntressInStep()
    {
        var world = SimulatorWorld.CreateDemo();
        var company = world.Companies[0];
        var agentsBefore = world.Huntress.Agents.Count;

        var added = world.AddDevice(company.NinjaOneOrganizationId);
        world.NinjaOne.DevicesOf(company.NinjaOneOrganizationId).ShouldContain(d => d.Id == added.Id);
        world.Huntress.Agents.ShouldContain(a => a.Hostname == added.SystemName && a.OrganizationId == company.HuntressOrganizationId);
        world.Huntress.Agents.Count.ShouldBe(agentsBefore + 1);

        world.RetireDevice(added.Id).ShouldBeTrue();
        world.NinjaOne.Devices.ShouldNotContain(d => d.Id == added.Id);
        world.Huntress.Agents.Count.ShouldBe(agentsBefore);
    }

    [Fact]
    public void SetSubscriptionQuantity_MovesGraphPrepaidUnits()
    {
        var world = SimulatorWorld.CreateDemo();
        var sub = world.Pax8.Subscriptions.First(s => s.Status == "Active");
        var company = world.Companies.Single(c => c.Pax8CompanyId == sub.CompanyId);
        var others = world.Pax8.Subscriptions.Where(s => s.CompanyId == sub.CompanyId && s.VendorSkuId == sub.VendorSkuId && s.Status == "Active" && s.Id != sub.Id).Sum(s => s.Quantity);

        world.SetSubscriptionQuantity(sub.Id, sub.Quantity + 5);

        world.Graph.SkusOf(company.GraphTenantId).Single(s => s.SkuId == sub.VendorSkuId).PrepaidUnits.Enabled.ShouldBe((int)(others + sub.Quantity + 5));
    }

    [Fact]
    public void CreateScaled_2000Organizations_Has100000Devices()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var world = SimulatorWorld.CreateScaled(2000, 50, seed: 11);
        var allocatedMb = (GC.GetAllocatedBytesForCurrentThread() - before) / (1024 * 1024);

        world.NinjaOne.Organizations.Count.ShouldBe(2000);
        world.NinjaOne.Devices.Count.ShouldBe(100_000);
        world.NinjaOne.Devices.Count(d => NinjaValues.IsBillableWorkstation(d) || NinjaValues.IsBillableServer(d)).ShouldBe(2000 * 47);
        world.Huntress.Agents.Count.ShouldBe(2000 * 47);
        world.Graph.Customers.Count.ShouldBe(2000);
        // Everything the build allocated (garbage included) bounds what the world keeps.
        allocatedMb.ShouldBeLessThan(400);
    }
}
