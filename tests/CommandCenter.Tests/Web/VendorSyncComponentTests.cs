using Bunit;
using CommandCenter.Clients;
using CommandCenter.Persistence;
using CommandCenter.Tests.Support;
using CommandCenter.VendorSync;
using CommandCenter.Web.Features.VendorSync.Counts;
using CommandCenter.Web.Features.VendorSync.Mapping;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace CommandCenter.Tests.Web;

public sealed class VendorSyncComponentTests : BunitContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public VendorSyncComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    [Fact]
    public async Task OrganizationMappingTable_UnmappedWithSuggestion_ConfirmMapsItToTheSuggestedClient()
    {
        await using var db = await UseDatabaseAsync();
        var harbor = await AddClientAsync(db, "Harbor Dental");
        var connection = await AddConnectionAsync(db, VendorKind.NinjaOne, "NinjaOne EU");
        await AddOrganizationAsync(db, connection, "ninja-17", "Harbor Dental LLC", suggested: (harbor, 95));
        Render<MudPopoverProvider>();

        var cut = Render<OrganizationMappingTable>(p => p.Add(t => t.Filter, Mappings.OrganizationFilter.Unmapped));

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=mapping-row]").Count.ShouldBe(1));
        var row = cut.Find("[data-testid=mapping-row]");
        row.GetAttribute("data-external-id").ShouldBe("ninja-17");
        row.GetAttribute("data-connection-id").ShouldBe(connection.ToString());
        row.TextContent.ShouldContain("Harbor Dental LLC");
        var suggestion = cut.Find("[data-testid=mapping-suggestion]");
        suggestion.TextContent.ShouldContain("Harbor Dental");
        suggestion.TextContent.ShouldContain("95 %");

        cut.Find("[data-testid=confirm-mapping]").Click();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=mapping-empty]").Count.ShouldBe(1));
        await using var ctx = db.Open();
        var org = await ctx.VendorOrganizations.SingleAsync(o => o.ExternalId == "ninja-17", Ct);
        org.ClientId.ShouldBe(harbor);
        org.MappedBy.ShouldBe("tester@test.local");
    }

    [Fact]
    public async Task OrganizationMappingTable_IgnoreWithReason_MarksIgnoredAndAuditsTheReason()
    {
        await using var db = await UseDatabaseAsync();
        var connection = await AddConnectionAsync(db, VendorKind.Huntress, "Huntress");
        await AddOrganizationAsync(db, connection, "hx-1", "MSP Lab");
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<OrganizationMappingTable>(p => p.Add(t => t.Filter, Mappings.OrganizationFilter.Unmapped));
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=mapping-row]").Count.ShouldBe(1));

        cut.Find("[data-testid=ignore-mapping]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=reason-text]"));
        dialogs.Find("[data-testid=reason-text]").Input("Our own lab");
        dialogs.Find("[data-testid=reason-confirm]").Click();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=mapping-row]").Count.ShouldBe(0));
        await using var ctx = db.Open();
        (await ctx.VendorOrganizations.SingleAsync(o => o.ExternalId == "hx-1", Ct)).Ignored.ShouldBeTrue();
        (await ctx.AuditEntries.SingleAsync(a => a.Action == "organization.mapped", Ct)).Reason.ShouldBe("Our own lab");
    }

    [Fact]
    public async Task MappingPage_FilterInUrl_ListsMappedRowsAndCountsTheUnmapped()
    {
        await using var db = await UseDatabaseAsync();
        var harbor = await AddClientAsync(db, "Harbor Dental");
        var connection = await AddConnectionAsync(db, VendorKind.NinjaOne, "NinjaOne EU");
        await AddOrganizationAsync(db, connection, "n-1", "Harbor Dental", clientId: harbor);
        await AddOrganizationAsync(db, connection, "n-2", "Summit Law");
        await AddOrganizationAsync(db, connection, "n-3", "Acme Corp");
        Render<MudPopoverProvider>();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/integrations/mapping?filter=mapped");

        var cut = Render<MappingPage>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=mapping-row]").Count.ShouldBe(1));
        cut.Find("[data-testid=mapping-row]").GetAttribute("data-external-id").ShouldBe("n-1");
        cut.Find("[data-testid=mapped-client]").GetAttribute("href").ShouldBe($"/clients/{harbor}");
        cut.Find("[data-testid=unmapped-count]").GetAttribute("data-count").ShouldBe("2");
    }

    [Fact]
    public async Task MappingPage_SearchInUrl_ListsMatchingOrganisationsOfEveryState()
    {
        await using var db = await UseDatabaseAsync();
        var harbor = await AddClientAsync(db, "Harbor Dental");
        var connection = await AddConnectionAsync(db, VendorKind.Pax8, "Pax8");
        await AddOrganizationAsync(db, connection, "c-100", "Harbor Dental", clientId: harbor);
        await AddOrganizationAsync(db, connection, "c-200", "Harbor Logistics");
        await AddOrganizationAsync(db, connection, "c-300", "Summit Law");
        Render<MudPopoverProvider>();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/integrations/mapping?filter=all&q=harbor");

        var cut = Render<MappingPage>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=mapping-row]").Select(r => r.GetAttribute("data-external-id")).ShouldBe(["c-200", "c-100"], ignoreOrder: true));
        cut.Find("[data-testid=mapping-search]").GetAttribute("value").ShouldBe("harbor");
    }

    [Fact]
    public async Task MappingPage_AcceptAllSuggestions_StatesHowManyAndMapsThem()
    {
        await using var db = await UseDatabaseAsync();
        var harbor = await AddClientAsync(db, "Harbor Dental");
        var summit = await AddClientAsync(db, "Summit Law");
        var connection = await AddConnectionAsync(db, VendorKind.NinjaOne, "NinjaOne EU");
        await AddOrganizationAsync(db, connection, "n-1", "Harbor Dental Inc", suggested: (harbor, 97));
        await AddOrganizationAsync(db, connection, "n-2", "Summit Legal", suggested: (summit, 72));
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/integrations/mapping");
        var cut = Render<MappingPage>();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=mapping-row]").Count.ShouldBe(2));

        cut.Find("[data-testid=accept-suggestions]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=accept-suggestions-count]").GetAttribute("data-count").ShouldBe("1"));
        dialogs.Find("[data-testid=accept-suggestions-confirm]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=unmapped-count]").GetAttribute("data-count").ShouldBe("1"));
        cut.FindAll("[data-testid=mapping-row]").Single().GetAttribute("data-external-id").ShouldBe("n-2");
        await using var ctx = db.Open();
        (await ctx.VendorOrganizations.SingleAsync(o => o.ExternalId == "n-1", Ct)).ClientId.ShouldBe(harbor);
        (await ctx.VendorOrganizations.SingleAsync(o => o.ExternalId == "n-2", Ct)).ClientId.ShouldBeNull();
    }

    [Fact]
    public async Task UsageMappingTable_UseSuggestion_MapsTheKeyToTheCatalogItem()
    {
        await using var db = await UseDatabaseAsync();
        var workstation = await AddItemAsync(db, "Managed Workstation", 50m);
        var connection = await AddConnectionAsync(db, VendorKind.NinjaOne, "NinjaOne EU");
        await using (var ctx = db.Open())
        {
            ctx.UsageMappings.Add(new UsageMapping
            {
                ConnectionId = connection, Metric = Metrics.Devices, Key = AssetClasses.Workstation, Name = "Managed Workstation (NinjaOne devices)",
                SuggestedCatalogItemId = workstation, SuggestionScore = 88,
            });
            await ctx.SaveChangesAsync(Ct);
        }

        Render<MudPopoverProvider>();
        var cut = Render<UsageMappingTable>(p => p.Add(t => t.ConnectionId, connection));
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=usage-row]").Count.ShouldBe(1));
        cut.Find("[data-testid=usage-suggestion]").TextContent.ShouldContain("88 %");

        cut.Find("[data-testid=usage-accept]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=usage-row]").GetAttribute("data-item-id").ShouldBe(workstation.ToString()));
        await using var check = db.Open();
        (await check.UsageMappings.SingleAsync(Ct)).CatalogItemId.ShouldBe(workstation);
    }

    [Fact]
    public async Task VendorCountsSection_SeededSnapshots_ShowsCountsEvidenceLicencesAndFindings()
    {
        await using var db = await UseDatabaseAsync();
        var client = await AddClientAsync(db, "Harbor Dental");
        var workstation = await AddItemAsync(db, "Managed Workstation", 50m);
        var server = await AddItemAsync(db, "Managed Server", 150m);
        await new SaveLine.Handler(db.TenantDb(), db.Audit, db.Time).AddAsync(client, new SaveLine.Request(server, 1, EffectiveFrom: new DateOnly(2026, 11, 1)), Ct);
        var ninja = await AddConnectionAsync(db, VendorKind.NinjaOne, "NinjaOne EU");
        var pax8 = await AddConnectionAsync(db, VendorKind.Pax8, "Pax8");
        var graph = await AddConnectionAsync(db, VendorKind.Graph, "Microsoft 365", failedWith: "401 Unauthorized: the client secret expired");
        await AddOrganizationAsync(db, ninja, "n-1", "Harbor Dental", clientId: client);
        await AddOrganizationAsync(db, pax8, "p-1", "Harbor Dental LLC", clientId: client);
        await AddOrganizationAsync(db, graph, "g-1", "harbordental.onmicrosoft.com", clientId: client);
        var now = db.Time.GetUtcNow().UtcDateTime;
        await using (var ctx = db.Open())
        {
            ctx.UsageMappings.AddRange(
                new UsageMapping { ConnectionId = ninja, Metric = Metrics.Devices, Key = AssetClasses.Workstation, Name = "Managed Workstation (NinjaOne devices)", CatalogItemId = workstation },
                new UsageMapping { ConnectionId = ninja, Metric = Metrics.Devices, Key = AssetClasses.Server, Name = "Managed Server (NinjaOne devices)", CatalogItemId = server });
            ctx.CountSnapshots.AddRange(
                Snapshot(ninja, "n-1", Metrics.Devices, now.AddHours(-1),
                    assets:
                    [
                        Asset("WS-01", AssetClasses.Workstation, "WINDOWS_WORKSTATION", counted: true, now),
                        Asset("WS-02", AssetClasses.Workstation, "MAC", counted: true, now),
                        Asset("SRV-01", AssetClasses.Server, "WINDOWS_SERVER", counted: true, now),
                        Asset("SRV-02", AssetClasses.Server, "LINUX_SERVER", counted: true, now),
                        Asset("WS-NEW", AssetClasses.Workstation, "WINDOWS_WORKSTATION", counted: false, now, status: "PENDING"),
                    ]),
                Snapshot(pax8, "p-1", Metrics.Licences, now.AddHours(-1), licences:
                [
                    new LicenceSubscription
                    {
                        ExternalId = "sub-1", ProductId = "prod-bp", ProductName = "Microsoft 365 Business Premium", Sku = "MST-365-BP", VendorSkuId = "sku-bp",
                        Quantity = 10, Status = "Active", Counted = true, BillingTerm = "Monthly", CommitmentTerm = "1 Year", RenewalDate = new DateOnly(2027, 3, 1),
                        UnitPrice = 22m, UnitCost = 18.5m,
                    },
                ]),
                Snapshot(graph, "g-1", Metrics.Licences, now.AddHours(-30), licences:
                [
                    new LicenceSubscription { ExternalId = "g-sku", ProductId = "sku-bp", ProductName = "SPB", Sku = "SPB", VendorSkuId = "sku-bp", Quantity = 10, Assigned = 8, Status = "Enabled", Counted = true },
                ]));
            await ctx.SaveChangesAsync(Ct);
        }

        var cut = Render<VendorCountsSection>(p => p.Add(s => s.ClientId, client));

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=count-group]").Count.ShouldBe(3));
        var devices = cut.Find("[data-testid=count-group][data-kind=ninjaone]");
        devices.GetAttribute("data-metric").ShouldBe(Metrics.Devices);
        devices.QuerySelector("[data-testid=count-value]")!.TextContent.Trim().ShouldBe("4");
        var classes = devices.QuerySelector("[data-testid=count-classes]")!.TextContent;
        classes.ShouldContain("2 Workstation");
        classes.ShouldContain("2 Server");
        classes.ShouldContain("1 not counted");
        devices.QuerySelectorAll("[data-testid=count-stale]").ShouldBeEmpty();
        var m365 = cut.Find("[data-testid=count-group][data-kind=graph]");
        m365.QuerySelector("[data-testid=count-stale]").ShouldNotBeNull();
        m365.QuerySelector("[data-testid=count-error]")!.TextContent.ShouldContain("client secret expired");
        cut.FindAll("[data-testid=evidence-row]").ShouldBeEmpty();

        cut.Find("[data-testid=count-group][data-kind=ninjaone] [data-testid=evidence-toggle]").Click();

        var evidence = cut.FindAll("[data-testid=evidence-row]");
        evidence.Count.ShouldBe(5);
        var pending = evidence.Single(r => r.TextContent.Contains("WS-NEW", StringComparison.Ordinal));
        pending.GetAttribute("data-counted").ShouldBe("false");
        pending.TextContent.ShouldContain("PENDING");
        var licence = cut.Find("[data-testid=licence-row]");
        licence.QuerySelector("[data-testid=licence-purchased]")!.TextContent.Trim().ShouldBe("10");
        licence.QuerySelector("[data-testid=licence-assigned]")!.TextContent.Trim().ShouldBe("8");
        licence.QuerySelector("[data-testid=licence-unassigned]")!.TextContent.Trim().ShouldBe("2");
        licence.TextContent.ShouldContain("2027-03-01");
        var findings = cut.FindAll("[data-testid=finding]");
        findings.Select(f => f.GetAttribute("data-kind")).ShouldBe(
            [FindingKinds.NewRevenue, FindingKinds.CountIncrease, FindingKinds.UnassignedLicences, FindingKinds.UnmappedUsage], ignoreOrder: true);
        findings.Single(f => f.GetAttribute("data-kind") == FindingKinds.NewRevenue).TextContent.ShouldContain("$100.00");
        cut.Find("[data-testid=found-total]").GetAttribute("data-amount").ShouldBe("250");
    }

    [Fact]
    public async Task VendorCountsSection_NoMappedOrganization_LinksToTheMappingPage()
    {
        await using var db = await UseDatabaseAsync();
        var client = await AddClientAsync(db, "Harbor Dental");

        var cut = Render<VendorCountsSection>(p => p.Add(s => s.ClientId, client));

        cut.WaitForAssertion(() => cut.Find("[data-testid=counts-empty]"));
        cut.Find("[data-testid=counts-mapping-link]").GetAttribute("href").ShouldBe("/integrations/mapping");
        cut.FindAll("[data-testid=count-group]").ShouldBeEmpty();
    }

    private SyncProgressTracker _tracker = null!;

    [Fact]
    public async Task VendorCountsSection_SyncLands_ShowsTheNewCountWithoutAReload()
    {
        await using var db = await UseDatabaseAsync();
        var client = await AddClientAsync(db, "Harbor Dental");
        var ninja = await AddConnectionAsync(db, VendorKind.NinjaOne, "NinjaOne EU");
        await AddOrganizationAsync(db, ninja, "n-1", "Harbor Dental", clientId: client);
        var now = db.Time.GetUtcNow().UtcDateTime;
        await using (var ctx = db.Open())
        {
            ctx.CountSnapshots.Add(Snapshot(ninja, "n-1", Metrics.Devices, now.AddMinutes(-15), assets: [Asset("WS-01", AssetClasses.Workstation, "WINDOWS_WORKSTATION", counted: true, now)]));
            await ctx.SaveChangesAsync(Ct);
        }

        var cut = Render<VendorCountsSection>(p => p.Add(s => s.ClientId, client));
        cut.WaitForAssertion(() => cut.Find("[data-testid=count-value]").GetAttribute("data-count").ShouldBe("1"));

        await using (var ctx = db.Open())
        {
            ctx.CountSnapshots.Add(Snapshot(ninja, "n-1", Metrics.Devices, now,
                assets: [Asset("WS-01", AssetClasses.Workstation, "WINDOWS_WORKSTATION", counted: true, now), Asset("WS-02", AssetClasses.Workstation, "MAC", counted: true, now)]));
            await ctx.SaveChangesAsync(Ct);
        }

        _tracker.End(_tracker.Start(db.TenantId, ninja));

        cut.WaitForAssertion(() => cut.Find("[data-testid=count-value]").GetAttribute("data-count").ShouldBe("2"));
    }

    private async Task<TestDatabase> UseDatabaseAsync()
    {
        var db = await TestDatabase.CreateAsync();
        Services.AddSingleton(db.TenantDb());
        Services.AddSingleton<TimeProvider>(db.Time);
        Services.AddSingleton(db.Audit);
        Services.AddSingleton(_tracker = new SyncProgressTracker(db.Time));
        Services.AddScoped<Mappings.Handler>();
        Services.AddScoped<CountSuggestions.Handler>();
        Services.AddScoped<GetClientCounts.Handler>();
        Services.AddScoped<ListClients.Handler>();
        Services.AddScoped<SaveCatalogItem.Handler>();
        return db;
    }

    private static Task<Guid> AddClientAsync(TestDatabase db, string name) =>
        new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time).CreateAsync(new SaveClient.Request(name), Ct);

    private static Task<Guid> AddItemAsync(TestDatabase db, string name, decimal price) =>
        new SaveCatalogItem.Handler(db.TenantDb(), db.Audit, db.Time).CreateAsync(new SaveCatalogItem.Request(name, price), Ct);

    private static async Task<Guid> AddConnectionAsync(TestDatabase db, VendorKind kind, string name, string? failedWith = null)
    {
        await using var ctx = db.Open();
        var connection = new VendorConnection
        {
            Kind = kind,
            Name = name,
            BaseUrl = "http://127.0.0.1:9/",
            ProtectedCredentials = "not-used-for-display",
            LastStatus = failedWith is null ? SyncStatus.Succeeded : SyncStatus.Failed,
            LastError = failedWith,
        };
        ctx.VendorConnections.Add(connection);
        await ctx.SaveChangesAsync(Ct);
        return connection.Id;
    }

    private static async Task AddOrganizationAsync(TestDatabase db, Guid connectionId, string externalId, string name, Guid? clientId = null, (Guid ClientId, int Score)? suggested = null)
    {
        await using var ctx = db.Open();
        var now = db.Time.GetUtcNow().UtcDateTime;
        ctx.VendorOrganizations.Add(new VendorOrganization
        {
            ConnectionId = connectionId,
            ExternalId = externalId,
            Name = name,
            ClientId = clientId,
            SuggestedClientId = suggested?.ClientId,
            SuggestionScore = suggested?.Score,
            FirstSeenUtc = now,
            LastSeenUtc = now,
        });
        await ctx.SaveChangesAsync(Ct);
    }

    private static CountSnapshot Snapshot(Guid connectionId, string externalId, string metric, DateTime takenUtc, List<VendorAsset>? assets = null, List<LicenceSubscription>? licences = null) => new()
    {
        ConnectionId = connectionId,
        OrganizationExternalId = externalId,
        Metric = metric,
        TakenUtc = takenUtc,
        Assets = assets ?? [],
        Licences = licences ?? [],
        Count = Counting.DefaultCount(assets ?? [], licences ?? []),
    };

    private static VendorAsset Asset(string name, string assetClass, string vendorClass, bool counted, DateTime lastSeen, string status = "APPROVED") => new()
    {
        ExternalId = name.ToLowerInvariant(),
        Name = name,
        Class = assetClass,
        VendorClass = vendorClass,
        Status = status,
        Counted = counted,
        LastSeenUtc = lastSeen,
        OperatingSystem = vendorClass.Contains("SERVER", StringComparison.Ordinal) ? "Windows Server 2022" : "Windows 11 Pro",
    };
}
