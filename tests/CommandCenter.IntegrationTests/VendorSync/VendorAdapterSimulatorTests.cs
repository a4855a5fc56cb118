using CommandCenter.Simulators;
using CommandCenter.VendorSync;

namespace CommandCenter.IntegrationTests.VendorSync;

/// <summary>
/// Each adapter, through the real DI registration and HTTP pipeline, against the simulators on Kestrel loopback. Expected
/// counts are computed here from the <see cref="Simulators.World.SimulatorWorld"/>, independently of the adapters.
/// </summary>
public sealed class VendorAdapterSimulatorTests
{
    private static Dictionary<string, VendorAsset[]> AssetsByOrg(VendorFetch fetch) =>
        fetch.Metrics.ToDictionary(m => m.OrganizationExternalId, m => m.Assets.ToArray());

    [Fact]
    public async Task NinjaOne_CountsPerOrganizationMatchTheWorld_AcrossPages()
    {
        await using var sim = await AdapterHarness.StartAsync();
        var org = sim.World.NinjaOne.Organizations[0].Id;
        var toaster = sim.World.AddDevice(org, nodeClass: "QUANTUM_TOASTER", withHuntressAgent: false); // a monitoring target runs no EDR agent
        var pending = sim.World.AddDevice(org, approvalStatus: "PENDING", withHuntressAgent: false);
        var progress = new CountingProgress();

        var fetch = await sim.FetchAsync(sim.Connection(VendorKind.NinjaOne, pageSize: 7), progress);

        var devices = sim.World.NinjaOne.Devices;
        devices.Count.ShouldBeGreaterThan(7 * 3);
        var byOrg = AssetsByOrg(fetch);
        foreach (var organization in sim.World.NinjaOne.Organizations)
        {
            var expected = devices.Where(d => d.OrganizationId == organization.Id).ToList();
            var assets = byOrg[organization.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            assets.Length.ShouldBe(expected.Count);
            assets.Count(a => a.Counted).ShouldBe(expected.Count(d => d.ApprovalStatus == "APPROVED"));
        }

        var all = byOrg.Values.SelectMany(a => a).ToList();
        all.Single(a => a.ExternalId == toaster.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Class.ShouldBe(AssetClasses.Other);
        all.Single(a => a.ExternalId == pending.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Counted.ShouldBeFalse();
        progress.Organizations.ShouldBe(sim.World.NinjaOne.Organizations.Count);
        progress.Items.ShouldBe(devices.Count + sim.World.NinjaOne.Organizations.Count);
        (await sim.TestAsync(sim.Connection(VendorKind.NinjaOne))).ShouldSatisfyAllConditions(
            r => r.Ok.ShouldBeTrue(), r => r.Message.ShouldBe($"Signed in; {sim.World.NinjaOne.Organizations.Count} organizations visible"));
    }

    [Fact]
    public async Task Pax8_CountedQuantitiesPerCompanyMatchTheWorld()
    {
        await using var sim = await AdapterHarness.StartAsync();
        var today = TimeProvider.System.GetUtcNow().UtcDateTime.Date;

        var fetch = await sim.FetchAsync(sim.Connection(VendorKind.Pax8, pageSize: 3));

        var subscriptions = sim.World.Pax8.Subscriptions;
        subscriptions.Count.ShouldBeGreaterThan(3);
        var licences = fetch.Metrics.ToDictionary(m => m.OrganizationExternalId, m => m.Licences);
        foreach (var company in sim.World.Pax8.Companies)
        {
            var mine = subscriptions.Where(s => s.CompanyId == company.Id).ToList();
            var expected = mine
                .Where(s => s.Status == "Active" || (s.Status == "PendingCancel" && (s.EndDate is null || s.EndDate.Value.UtcDateTime.Date >= today)))
                .Sum(s => s.Quantity);
            var got = licences[company.Id.ToString()];
            got.Count.ShouldBe(mine.Count);
            got.Where(l => l.Counted).Sum(l => l.Quantity).ShouldBe(expected);
        }

        fetch.Metrics.SelectMany(m => m.Licences).ShouldAllBe(l => l.Sku != null);
    }

    [Fact]
    public async Task Huntress_AgentsPerOrganizationMatchTheWorld()
    {
        await using var sim = await AdapterHarness.StartAsync();

        var fetch = await sim.FetchAsync(sim.Connection(VendorKind.Huntress, pageSize: 9));

        var agents = sim.World.Huntress.Agents;
        agents.Count.ShouldBeGreaterThan(9 * 2);
        var byOrg = AssetsByOrg(fetch);
        foreach (var organization in sim.World.Huntress.Organizations)
        {
            byOrg[organization.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)].Count(a => a.Counted)
                .ShouldBe(agents.Count(a => a.OrganizationId == organization.Id));
        }
    }

    [Fact]
    public async Task SonicWall_FirewallsPerTenantMatchTheWorld()
    {
        await using var sim = await AdapterHarness.StartAsync();
        var tenant = sim.World.SonicWall.Tenants[0].TenantId;
        sim.World.AddFirewall(tenant, "NSa 2700");

        var fetch = await sim.FetchAsync(sim.Connection(VendorKind.SonicWall));

        var byOrg = AssetsByOrg(fetch);
        fetch.Organizations.Count.ShouldBe(sim.World.SonicWall.Tenants.Count);
        foreach (var t in sim.World.SonicWall.Tenants)
        {
            byOrg[t.TenantId].Select(a => a.Serial).Order(StringComparer.Ordinal)
                .ShouldBe(sim.World.SonicWall.FirewallsOf(t.TenantId).Select(f => f.SerialNumber).Order(StringComparer.Ordinal));
        }

        byOrg[tenant].ShouldContain(a => a.VendorClass == "NSa 2700" && a.Class == AssetClasses.Firewall);
    }

    [Fact]
    public async Task Graph_SkusPerCustomerMatchTheWorld_FollowingNextLinks()
    {
        await using var sim = await AdapterHarness.StartAsync(o => o.GraphPageSize = 2);
        var progress = new CountingProgress();

        var fetch = await sim.FetchAsync(sim.Connection(VendorKind.Graph), progress);

        var customers = sim.World.Graph.Customers;
        customers.Count.ShouldBeGreaterThan(2);
        fetch.Organizations.Select(o => o.ExternalId).Order(StringComparer.Ordinal)
            .ShouldBe(customers.Select(c => c.TenantId).Order(StringComparer.Ordinal));
        foreach (var metric in fetch.Metrics)
        {
            var skus = sim.World.Graph.SkusOf(Guid.Parse(metric.OrganizationExternalId)).Where(s => s.AppliesTo != "Company").ToList();
            metric.Licences.Count.ShouldBe(skus.Count);
            metric.Licences.Where(l => l.Counted).Sum(l => l.Quantity)
                .ShouldBe(skus.Where(s => s.CapabilityStatus == "Enabled").Sum(s => (decimal)s.PrepaidUnits.Enabled));
        }

        progress.Pages.ShouldBeGreaterThan(customers.Count + 1);
    }

    [Fact]
    public async Task BurstsOf429And500_AreRetried_AndTheFetchIsComplete()
    {
        await using var sim = await AdapterHarness.StartAsync();
        sim.World.Faults.Enqueue(new FaultSpec("ninjaone", FaultKind.TooManyRequests, Count: 2, PathContains: "/v2/devices", RetryAfterSeconds: 1));
        sim.World.Faults.Enqueue(new FaultSpec("ninjaone", FaultKind.ServerError, Count: 2, PathContains: "/v2/devices"));

        var fetch = await sim.FetchAsync(sim.Connection(VendorKind.NinjaOne, pageSize: 10, maxRetries: 5));

        fetch.Metrics.Sum(m => m.Assets.Count).ShouldBe(sim.World.NinjaOne.Devices.Count);
        sim.World.Faults.Pending.ShouldBeEmpty();
    }

    [Fact]
    public async Task MalformedAndTruncatedBodies_EndInAClearVendorSyncException()
    {
        await using var sim = await AdapterHarness.StartAsync();
        sim.World.Faults.Enqueue(new FaultSpec("ninjaone", FaultKind.Malformed, PathContains: "/v2/devices"));
        sim.World.Faults.Enqueue(new FaultSpec("pax8", FaultKind.Truncated, PathContains: "/subscriptions"));

        var ninja = await Should.ThrowAsync<VendorSyncException>(() => sim.FetchAsync(sim.Connection(VendorKind.NinjaOne, pageSize: 10)));
        var pax8 = await Should.ThrowAsync<VendorSyncException>(() => sim.FetchAsync(sim.Connection(VendorKind.Pax8)));

        ninja.Message.ShouldStartWith("NinjaOne returned malformed JSON on /v2/devices (page 1)");
        pax8.Message.ShouldStartWith("Pax8 returned malformed JSON on /subscriptions (page 1)");
    }

    [Fact]
    public async Task AVendorThatDoesNotAnswer_TimesOutWithAClearMessage()
    {
        await using var sim = await AdapterHarness.StartAsync();
        sim.World.Faults.Enqueue(new FaultSpec("huntress", FaultKind.Timeout, Count: 5, PathContains: "/v1/agents", DelaySeconds: 30));
        var started = TimeProvider.System.GetTimestamp();

        var error = await Should.ThrowAsync<VendorSyncException>(() =>
            sim.FetchAsync(sim.Connection(VendorKind.Huntress, timeoutSeconds: 1, maxRetries: 1)));

        error.Message.ShouldContain("Huntress did not answer /v1/agents (page 1) in time");
        TimeProvider.System.GetElapsedTime(started).ShouldBeLessThan(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task AnExpiredToken_IsRefreshedTransparently()
    {
        await using var sim = await AdapterHarness.StartAsync();
        sim.World.Faults.Enqueue(new FaultSpec("ninjaone", FaultKind.ExpiredToken, PathContains: "/v2/devices"));
        sim.World.Faults.Enqueue(new FaultSpec("graph", FaultKind.ExpiredToken, PathContains: "subscribedSkus"));

        var ninja = await sim.FetchAsync(sim.Connection(VendorKind.NinjaOne, pageSize: 10));
        var graph = await sim.FetchAsync(sim.Connection(VendorKind.Graph));

        ninja.Metrics.Sum(m => m.Assets.Count).ShouldBe(sim.World.NinjaOne.Devices.Count);
        graph.Organizations.Count.ShouldBe(sim.World.Graph.Customers.Count);
        sim.World.Faults.Pending.ShouldBeEmpty();
    }

    [Fact]
    public async Task WrongCredentials_AreReportedInTheVendorsWords()
    {
        await using var sim = await AdapterHarness.StartAsync();
        var good = sim.Connection(VendorKind.Pax8);

        var result = await sim.TestAsync(good with { Credentials = new VendorCredentials("nope", "wrong") });

        result.Ok.ShouldBeFalse();
        result.Message.ShouldStartWith("Pax8 sign-in failed: 401");
    }

    [Fact]
    public async Task Huntress_TheClientRateLimiterKeepsUnderTheVendorLimit()
    {
        // Simulator time runs 30x faster: its sliding minute is 2 s of wall clock; the client's window is scaled the same.
        const int limit = 6;
        await using var sim = await AdapterHarness.StartAsync(
            o => o.HuntressRequestsPerMinute = limit,
            new AcceleratedTimeProvider(30),
            o => o.RateLimitWindow = TimeSpan.FromSeconds(2));
        var progress = new CountingProgress();

        // No retries: a single 429 from the simulator fails the fetch.
        VendorFetch? fetch = null;
        var error = await Record.ExceptionAsync(async () =>
            fetch = await sim.FetchAsync(sim.Connection(VendorKind.Huntress, pageSize: 4, maxRetries: 0, requestsPerMinute: limit), progress));

        error.ShouldBeNull(string.Join("\n", sim.Log.Select(l => $"{l.At.TotalMilliseconds:0} {l.Status} {l.Path}")));

        sim.Log.Where(l => l.Status == 429).ShouldBeEmpty(string.Join("\n", sim.Log.Select(l => $"{l.At.TotalMilliseconds:0} {l.Status} {l.Path}")));
        progress.Pages.ShouldBeGreaterThan(limit * 2);
        fetch!.Metrics.Sum(m => m.Assets.Count).ShouldBe(sim.World.Huntress.Agents.Count);
    }
}
