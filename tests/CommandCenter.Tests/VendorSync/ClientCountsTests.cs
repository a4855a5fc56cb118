using CommandCenter.Clients;
using CommandCenter.Tests.Support;
using CommandCenter.VendorSync;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Tests.VendorSync;

public sealed class ClientCountsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetAsync_MappedVendors_ShowsCountsLicencesAndHandComputedFindings()
    {
        await using var db = await TestDatabase.CreateAsync();
        var seed = await SeedAsync(db);

        var counts = await new GetClientCounts.Handler(db.TenantDb(), db.Time).GetAsync(seed.ClientId, Ct);

        var ninja = counts.Groups.Single(g => g.Kind == VendorKind.NinjaOne);
        ninja.Count.ShouldBe(13m); // 11 workstations + 2 servers approved; the pending laptop does not count
        ninja.ByClass.ShouldBe([new ClassCount(AssetClasses.Workstation, 11, 1), new ClassCount(AssetClasses.Server, 2, 0)]);
        ninja.Assets.Count.ShouldBe(14);
        ninja.Stale.ShouldBeFalse();

        var licence = counts.Licences.ShouldHaveSingleItem();
        licence.Product.ShouldBe("Microsoft 365 Business Premium");
        licence.Purchased.ShouldBe(10m);
        licence.Assigned.ShouldBe(7m);
        licence.Unassigned.ShouldBe(3m);

        // 11 counted vs 9 billed × $45 = $90; 2 servers unbilled × $150 = $300; 10 seats unbilled × $26.40 = $264; 3 unassigned × $26.40 = $79.20.
        counts.Findings.Select(f => (f.Kind, f.Quantity, f.MonthlyValue)).ShouldBe(
        [
            (FindingKinds.CountIncrease, 2m, 90.00m),
            (FindingKinds.NewRevenue, 2m, 300.00m),
            (FindingKinds.NewRevenue, 10m, 264.00m),
            (FindingKinds.UnassignedLicences, 3m, 79.20m),
        ], ignoreOrder: true);
        counts.FoundMonthlyValue.ShouldBe(654.00m);
    }

    [Fact]
    public async Task GetAsync_SnapshotOlderThanADay_IsStale()
    {
        await using var db = await TestDatabase.CreateAsync();
        var seed = await SeedAsync(db);
        db.Time.Advance(TimeSpan.FromHours(25));

        var counts = await new GetClientCounts.Handler(db.TenantDb(), db.Time).GetAsync(seed.ClientId, Ct);

        counts.Groups.ShouldAllBe(g => g.Stale);
    }

    [Fact]
    public async Task GetAsync_OtherTenantsClient_IsNotFound()
    {
        await using var db = await TestDatabase.CreateAsync();
        var seed = await SeedAsync(db);
        var other = await db.AddTenantAsync("Other MSP");

        await Should.ThrowAsync<CommandCenter.Common.NotFoundException>(() => new GetClientCounts.Handler(db.TenantDb(other), db.Time).GetAsync(seed.ClientId, Ct));
    }

    [Fact]
    public async Task MapOrganization_ByExternalId_IsAuditedAndCountsFollowTheClient()
    {
        await using var db = await TestDatabase.CreateAsync();
        var seed = await SeedAsync(db);
        var otherClient = await new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time).CreateAsync(new SaveClient.Request("Sister Co"), Ct);
        var mappings = new Mappings.Handler(db.TenantDb(), db.Audit, db.Time);

        await mappings.MapOrganizationAsync(seed.NinjaConnectionId, "12", otherClient, reason: "Sister company", cancellationToken: Ct);

        var counts = new GetClientCounts.Handler(db.TenantDb(), db.Time);
        (await counts.GetAsync(otherClient, Ct)).Groups.ShouldHaveSingleItem().Kind.ShouldBe(VendorKind.NinjaOne);
        (await counts.GetAsync(seed.ClientId, Ct)).Groups.ShouldNotContain(g => g.Kind == VendorKind.NinjaOne);
        await using var ctx = db.Open();
        var audit = await ctx.AuditEntries.SingleAsync(a => a.Action == "organization.mapped", Ct);
        audit.Reason.ShouldBe("Sister company");
        audit.Before!.ShouldContain(seed.ClientId.ToString());
        audit.After!.ShouldContain(otherClient.ToString());
    }

    internal sealed record Seed(Guid ClientId, Guid NinjaConnectionId);

    /// <summary>A client billed for 9 workstations, seen by NinjaOne (11 + 1 pending + 2 servers), Pax8 (10 Business Premium) and Graph (10 bought, 7 assigned).</summary>
    internal static async Task<Seed> SeedAsync(TestDatabase db)
    {
        var items = new SaveCatalogItem.Handler(db.TenantDb(), db.Audit, db.Time);
        var workstation = await items.CreateAsync(new SaveCatalogItem.Request("Managed Workstation", 45m, 12m), Ct);
        var server = await items.CreateAsync(new SaveCatalogItem.Request("Managed Server", 150m, 40m), Ct);
        var premium = await items.CreateAsync(new SaveCatalogItem.Request("Microsoft 365 Business Premium", 26.40m, 22m), Ct);
        var clientId = await new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time).CreateAsync(new SaveClient.Request("Contoso Ltd"), Ct);
        await new SaveLine.Handler(db.TenantDb(), db.Audit, db.Time).AddAsync(clientId, new SaveLine.Request(workstation, Quantity: 9), Ct);

        var now = db.Time.GetUtcNow().UtcDateTime;
        await using var ctx = db.Open();
        VendorConnection Connection(VendorKind kind) => new() { Kind = kind, Name = kind.ToString(), BaseUrl = "https://example.test", ProtectedCredentials = "x", CreatedUtc = now, UpdatedUtc = now, LastStatus = SyncStatus.Succeeded, LastSuccessUtc = now };
        var ninja = Connection(VendorKind.NinjaOne);
        var pax8 = Connection(VendorKind.Pax8);
        var graph = Connection(VendorKind.Graph);
        ctx.VendorConnections.AddRange(ninja, pax8, graph);
        ctx.VendorOrganizations.AddRange(
            new VendorOrganization { ConnectionId = ninja.Id, ExternalId = "12", Name = "Contoso", ClientId = clientId, FirstSeenUtc = now, LastSeenUtc = now },
            new VendorOrganization { ConnectionId = pax8.Id, ExternalId = "c-1", Name = "Contoso Ltd", ClientId = clientId, FirstSeenUtc = now, LastSeenUtc = now },
            new VendorOrganization { ConnectionId = graph.Id, ExternalId = "tenant-1", Name = "Contoso", ClientId = clientId, FirstSeenUtc = now, LastSeenUtc = now });
        var devices = Enumerable.Range(1, 11).Select(i => Asset($"CON-LT-{i:000}", "WINDOWS_WORKSTATION", "APPROVED"))
            .Append(Asset("CON-LT-099", "WINDOWS_WORKSTATION", "PENDING"))
            .Append(Asset("CON-DC01", "WINDOWS_SERVER", "APPROVED"))
            .Append(Asset("CON-FS01", "WINDOWS_SERVER", "APPROVED"))
            .ToList();
        ctx.CountSnapshots.AddRange(
            new CountSnapshot { ConnectionId = ninja.Id, OrganizationExternalId = "12", Metric = Metrics.Devices, Count = 13, TakenUtc = now, Assets = devices },
            new CountSnapshot
            {
                ConnectionId = pax8.Id, OrganizationExternalId = "c-1", Metric = Metrics.Licences, Count = 10, TakenUtc = now,
                Licences = [new LicenceSubscription { ExternalId = "s-1", ProductId = "p-bp", ProductName = "Microsoft 365 Business Premium", VendorSkuId = "sku-spb", Quantity = 10, Status = "Active", Counted = true, UnitPrice = 22m, UnitCost = 18.7m }],
            },
            new CountSnapshot
            {
                ConnectionId = graph.Id, OrganizationExternalId = "tenant-1", Metric = Metrics.Licences, Count = 10, TakenUtc = now,
                Licences = [new LicenceSubscription { ExternalId = "g-1", ProductId = "sku-spb", ProductName = "SPB", Sku = "SPB", VendorSkuId = "sku-spb", Quantity = 10, Assigned = 7, Status = "Enabled", Counted = true }],
            });
        ctx.UsageMappings.AddRange(
            new UsageMapping { ConnectionId = ninja.Id, Metric = Metrics.Devices, Key = AssetClasses.Workstation, Name = "Workstations", CatalogItemId = workstation },
            new UsageMapping { ConnectionId = ninja.Id, Metric = Metrics.Devices, Key = AssetClasses.Server, Name = "Servers", CatalogItemId = server },
            new UsageMapping { ConnectionId = pax8.Id, Metric = Metrics.Licences, Key = "p-bp", Name = "Business Premium", CatalogItemId = premium },
            new UsageMapping { ConnectionId = graph.Id, Metric = Metrics.Licences, Key = "sku-spb", Name = "Business Premium", CatalogItemId = premium });
        await ctx.SaveChangesAsync(Ct);
        return new Seed(clientId, ninja.Id);
    }

    private static VendorAsset Asset(string name, string nodeClass, string status) => new()
    {
        ExternalId = name,
        Name = name,
        Class = AssetClasses.FromNinjaNodeClass(nodeClass),
        VendorClass = nodeClass,
        Status = status,
        Counted = status == "APPROVED",
    };
}
