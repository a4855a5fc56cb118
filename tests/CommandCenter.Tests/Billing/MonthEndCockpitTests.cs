using CommandCenter.Accounting;
using CommandCenter.Billing;
using CommandCenter.Clients;
using CommandCenter.Psa;
using CommandCenter.Tests.Support;
using CommandCenter.VendorSync;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Blockers = CommandCenter.Billing.MonthEndCockpit.BlockerKinds;

namespace CommandCenter.Tests.Billing;

/// <summary>
/// The month-end cockpit on a real migrated SQLite database. The clock is 15 November 2026; the month is November.
/// Acme Dental: NinjaOne workstations at $45 (9). Beacon Law: NinjaOne workstations at $45 (3) + a firewall at $85.
/// </summary>
public sealed class MonthEndCockpitTests
{
    private static readonly BillingPeriod October = new(new DateOnly(2026, 10, 1));
    private static readonly BillingPeriod November = new(new DateOnly(2026, 11, 1));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetAsync_NoRunNoAccounting_OnlyNoAccountingBlocks_NothingToPostYet()
    {
        await using var f = await Fixture.CreateAsync();

        var view = await f.Cockpit.GetAsync(November, Ct);

        view.HasRun.ShouldBeFalse();
        view.Blockers.Select(b => b.Kind).ShouldBe([Blockers.NoAccounting]);
        view.Blockers[0].Href.ShouldBe("/settings/accounting");
        view.ReadyToPost.ShouldBeFalse();
        view.Change.ShouldBeNull();
    }

    [Fact]
    public async Task GetAsync_FailedSource_BlocksWithItsConnectionPage_UntilASyncSucceeds()
    {
        await using var f = await Fixture.CreateAsync();
        await f.SetSyncAsync(SyncStatus.Failed, f.Now.AddHours(-2));

        var failed = Blocker(await f.Cockpit.GetAsync(November, Ct), Blockers.FailedSource);
        failed.Count.ShouldBe(1);
        failed.Message.ShouldContain("NinjaOne");
        failed.Href.ShouldBe($"/integrations/{f.Ninja}");

        await f.SetSyncAsync(SyncStatus.Succeeded, f.Now);
        Kinds(await f.Cockpit.GetAsync(November, Ct)).ShouldNotContain(Blockers.FailedSource);
    }

    [Fact]
    public async Task GetAsync_LastSuccessOlderThanStaleHours_IsStale_FreshAgainAfterASync()
    {
        await using var f = await Fixture.CreateAsync();
        await f.SetSyncAsync(SyncStatus.Succeeded, f.Now.AddHours(-25)); // default: stale after 24 h

        var stale = Blocker(await f.Cockpit.GetAsync(November, Ct), Blockers.StaleSource);
        stale.Count.ShouldBe(1);
        stale.Message.ShouldContain("24 h");

        await f.SetSyncAsync(SyncStatus.Succeeded, f.Now.AddHours(-1));
        Kinds(await f.Cockpit.GetAsync(November, Ct)).ShouldNotContain(Blockers.StaleSource);
    }

    [Fact]
    public async Task GetAsync_UnmappedOrganization_Blocks_IgnoringItClearsIt()
    {
        await using var f = await Fixture.CreateAsync();
        Guid orgId;
        await using (var ctx = f.Db.Open())
        {
            var org = new VendorOrganization { ConnectionId = f.Ninja, ExternalId = "dunes", Name = "Dunes Bakery", FirstSeenUtc = f.Now, LastSeenUtc = f.Now };
            ctx.VendorOrganizations.Add(org);
            await ctx.SaveChangesAsync(Ct);
            orgId = org.Id;
        }

        var unmapped = Blocker(await f.Cockpit.GetAsync(November, Ct), Blockers.UnmappedOrganization);
        unmapped.Count.ShouldBe(1);
        unmapped.Href.ShouldBe("/integrations/mapping");

        await using (var ctx = f.Db.Open())
        {
            (await ctx.VendorOrganizations.SingleAsync(o => o.Id == orgId, Ct)).Ignored = true;
            await ctx.SaveChangesAsync(Ct);
        }

        Kinds(await f.Cockpit.GetAsync(November, Ct)).ShouldNotContain(Blockers.UnmappedOrganization);
    }

    [Fact]
    public async Task GetAsync_AccountingConnected_UnmappedCustomersAndItemsBlock_UntilMappedToActiveRecords()
    {
        await using var f = await Fixture.CreateAsync();
        await f.Runs.OpenAsync(November, Ct);
        var connection = await f.ConnectAccountingAsync();

        var view = await f.Cockpit.GetAsync(November, Ct);
        Kinds(view).ShouldNotContain(Blockers.NoAccounting);
        Blocker(view, Blockers.UnmappedCustomer).Count.ShouldBe(2); // Acme and Beacon; the inactive Cobalt has no invoice
        Blocker(view, Blockers.UnmappedItem).Count.ShouldBe(2);     // Managed Workstation and Firewall Management

        await f.MapAsync(connection, customerRefs: ["C-ACME", "C-OLD"], itemRefs: ["I-WS", "I-FW"]); // C-OLD is inactive
        view = await f.Cockpit.GetAsync(November, Ct);
        var customers = Blocker(view, Blockers.UnmappedCustomer);
        customers.Count.ShouldBe(1); // Beacon points at an inactive customer
        customers.Href.ShouldBe("/settings/accounting");
        Kinds(view).ShouldNotContain(Blockers.UnmappedItem);

        await f.MapAsync(connection, customerRefs: ["C-ACME", "C-BEACON"], itemRefs: ["I-WS", "I-FW"]);
        Kinds(await f.Cockpit.GetAsync(November, Ct)).ShouldNotContain(Blockers.UnmappedCustomer);
    }

    [Fact]
    public async Task GetAsync_ChargeWithoutItem_NeedsTheFallbackItem_UntilOneIsSet()
    {
        await using var f = await Fixture.CreateAsync();
        var connection = await f.ConnectAccountingAsync();
        await f.MapAsync(connection, customerRefs: ["C-ACME", "C-BEACON"], itemRefs: ["I-WS", "I-FW"]);
        await new Charges.Handler(f.Db.TenantDb(), f.Db.Audit, f.Db.Time, f.Engine).AddAsync(new Charges.Request(f.Acme, new DateOnly(2026, 11, 4), "Cabling", 120m), Ct);
        await f.Runs.OpenAsync(November, Ct);

        var items = Blocker(await f.Cockpit.GetAsync(November, Ct), Blockers.UnmappedItem);
        items.Count.ShouldBe(1);
        items.Message.ShouldContain("fallback");

        await using (var ctx = f.Db.Open())
        {
            (await ctx.AccountingConnections.SingleAsync(Ct)).FallbackItemRef = "I-MISC";
            await ctx.SaveChangesAsync(Ct);
        }

        Kinds(await f.Cockpit.GetAsync(November, Ct)).ShouldNotContain(Blockers.UnmappedItem);
    }

    [Fact]
    public async Task GetAsync_UndecidedFlags_BlockWithTheFlaggedFilter_DecidingClearsThem()
    {
        await using var f = await Fixture.CreateAsync();
        await f.SetSyncAsync(SyncStatus.Failed, f.Now); // both workstation lines are flagged "sync failed"
        var run = await f.Runs.OpenAsync(November, Ct);

        var flags = Blocker(await f.Cockpit.GetAsync(November, Ct), Blockers.UndecidedFlag);
        flags.Count.ShouldBe(2);
        flags.Href.ShouldBe("/billing/2026-11?flagged=true");
        flags.Message.ShouldContain("2 flagged lines to decide");

        foreach (var invoice in run.Invoices)
        {
            var line = invoice.Lines.Single(l => l.NeedsDecision);
            await f.Runs.AdjustAsync(November, invoice.Id, new BillingRuns.AdjustRequest(line.Key, "Counts checked in the console", Decision: Decisions.Accept), Ct);
        }

        Kinds(await f.Cockpit.GetAsync(November, Ct)).ShouldNotContain(Blockers.UndecidedFlag);
    }

    [Fact]
    public async Task GetAsync_OpenTicketWithTimeInTheMonth_Blocks_ClosingItClearsIt_OctoberTimeDoesNotCount()
    {
        await using var f = await Fixture.CreateAsync();
        var tickets = new Tickets.Handler(f.Db.TenantDb(), f.Db.Audit, f.Db.Time);
        var november = await tickets.CreateAsync(new Tickets.CreateRequest(f.Acme, "Printer offline", "tech@test.local"), Ct);
        await tickets.AddTimeAsync(november, new Tickets.TimeRequest("tech@test.local", new DateOnly(2026, 11, 3), 45), Ct);
        var october = await tickets.CreateAsync(new Tickets.CreateRequest(f.Beacon, "Old laptop", "tech@test.local"), Ct);
        await tickets.AddTimeAsync(october, new Tickets.TimeRequest("tech@test.local", new DateOnly(2026, 10, 28), 30), Ct);

        var open = Blocker(await f.Cockpit.GetAsync(November, Ct), Blockers.OpenTicketTime);
        open.Count.ShouldBe(1); // October's open ticket is not November's
        open.Href.ShouldBe("/psa?status=open&unclassified=true");

        await tickets.CloseAsync(november, BillingClass.Billable, Ct);
        Kinds(await f.Cockpit.GetAsync(November, Ct)).ShouldNotContain(Blockers.OpenTicketTime);
    }

    [Fact]
    public async Task GetAsync_EverythingMappedAndApproved_IsReadyToPost_DraftsBlockBefore()
    {
        await using var f = await Fixture.CreateAsync();
        var connection = await f.ConnectAccountingAsync();
        await f.MapAsync(connection, customerRefs: ["C-ACME", "C-BEACON"], itemRefs: ["I-WS", "I-FW"]);
        await f.Runs.OpenAsync(November, Ct);

        var before = await f.Cockpit.GetAsync(November, Ct);
        before.Blockers.Select(b => b.Kind).ShouldBe([Blockers.UnapprovedInvoice]);
        before.Blockers[0].Count.ShouldBe(2);
        before.Blockers[0].Href.ShouldBe("/billing/2026-11");
        before.ReadyToPost.ShouldBeFalse();

        (await f.Runs.ApproveAsync(November, null, Ct)).Approved.ShouldBe(2);
        var after = await f.Cockpit.GetAsync(November, Ct);

        after.Blockers.ShouldBeEmpty();
        after.ReadyToPost.ShouldBeTrue();
    }

    [Fact]
    public async Task GetAsync_NewestPostingFailedOrUncertain_Blocks_ARetryThatPostedClearsIt()
    {
        await using var f = await Fixture.CreateAsync();
        var run = await f.Runs.OpenAsync(November, Ct);
        var acme = run.Invoices.Single(i => i.ClientId == f.Acme);
        var beacon = run.Invoices.Single(i => i.ClientId == f.Beacon);
        await f.AddPostingAsync(run.RunId, acme, 1, PostingState.Failed);
        await f.AddPostingAsync(run.RunId, beacon, 1, PostingState.Uncertain);

        var failed = Blocker(await f.Cockpit.GetAsync(November, Ct), Blockers.PostingFailed);
        failed.Count.ShouldBe(2);
        failed.Href.ShouldBe("/billing/2026-11");

        await f.AddPostingAsync(run.RunId, acme, 2, PostingState.Posted);
        Blocker(await f.Cockpit.GetAsync(November, Ct), Blockers.PostingFailed).Count.ShouldBe(1); // Beacon's is still uncertain
    }

    [Fact]
    public async Task GetAsync_RealRun_BreakdownByCauseSumsExactlyToTheChange_RevenueFoundIsNewLinesAndCountIncreases()
    {
        await using var f = await Fixture.CreateAsync();
        var lines = new SaveLine.Handler(f.Db.TenantDb(), f.Db.Audit, f.Db.Time);
        var tickets = new Tickets.Handler(f.Db.TenantDb(), f.Db.Audit, f.Db.Time);
        var charges = new Charges.Handler(f.Db.TenantDb(), f.Db.Audit, f.Db.Time, f.Engine);
        // October: Beacon's second firewall ends with October; Acme's firewall ends on 16 November; Beacon has 1 h of T&M;
        // Acme a $300 installation.
        await lines.AddAsync(f.Beacon, new SaveLine.Request(f.Firewall, 1, EffectiveFrom: new DateOnly(2026, 1, 1), EffectiveTo: new DateOnly(2026, 11, 1)), Ct);
        await lines.AddAsync(f.Acme, new SaveLine.Request(f.Firewall, 1, EffectiveFrom: new DateOnly(2026, 1, 1), EffectiveTo: new DateOnly(2026, 11, 16)), Ct);
        var octoberTicket = await tickets.CreateAsync(new Tickets.CreateRequest(f.Beacon, "Mail migration", "tech@test.local"), Ct);
        await tickets.AddTimeAsync(octoberTicket, new Tickets.TimeRequest("tech@test.local", new DateOnly(2026, 10, 6), 60), Ct);
        await tickets.CloseAsync(octoberTicket, BillingClass.Billable, Ct);
        await charges.AddAsync(new Charges.Request(f.Acme, new DateOnly(2026, 10, 10), "Installation", 300m), Ct);
        f.Db.Time.Advance(TimeSpan.FromMinutes(1));
        var octoberRun = await f.Runs.OpenAsync(October, Ct);
        octoberRun.Totals.Total.ShouldBe(1270.00m); // Acme 405 + 85 + 300 = 790; Beacon 135 + 85 + 85 + 175 = 480
        await f.PostAsync(octoberRun.RunId);

        // November: Acme 9 → 11 workstations, Beacon 3 → 2; firewalls $85 → $95; a new firewall line for Acme from 16
        // November; Acme 30 min of T&M; a $50 credit for Beacon; a workstation added by hand on Beacon's invoice.
        await f.SnapshotAsync("acme", 11);
        await f.SnapshotAsync("beacon", 2);
        await new SaveCatalogItem.Handler(f.Db.TenantDb(), f.Db.Audit, f.Db.Time).UpdateAsync(f.Firewall, new SaveCatalogItem.Request("Firewall Management", 95m, 20m), "2027 price list", Ct);
        await lines.AddAsync(f.Acme, new SaveLine.Request(f.Firewall, 1, EffectiveFrom: new DateOnly(2026, 11, 16)), Ct);
        var novemberTicket = await tickets.CreateAsync(new Tickets.CreateRequest(f.Acme, "VPN setup", "tech@test.local"), Ct);
        await tickets.AddTimeAsync(novemberTicket, new Tickets.TimeRequest("tech@test.local", new DateOnly(2026, 11, 3), 30), Ct);
        await tickets.CloseAsync(novemberTicket, BillingClass.Billable, Ct);
        await charges.AddAsync(new Charges.Request(f.Beacon, new DateOnly(2026, 11, 5), "Credit for downtime", -50m), Ct);
        var run = await f.Runs.OpenAsync(November, Ct);
        await f.Runs.AdjustAsync(November, run.Invoices.Single(i => i.ClientId == f.Beacon).Id,
            new BillingRuns.AdjustRequest(null, "Loaner laptop managed this month", Quantity: 1, AddItemId: f.Workstation), Ct);
        var reviewed = await f.Runs.OpenAsync(November, Ct);

        var view = await f.Cockpit.GetAsync(November, Ct);

        // Acme: 11 × 45 = 495 + firewall 15/30 × 95 = 47.50 + new firewall 15/30 × 95 = 47.50 + 0.5 h × 150 = 75 → 665.00
        // Beacon: 2 × 45 = 90 + 95 + 45 (added) − 50 = 180.00
        view.Total.ShouldBe(845.00m);
        view.PreviousTotal.ShouldBe(1270.00m);
        view.Change.ShouldBe(-425.00m);
        view.Change.ShouldBe(reviewed.Totals.Change); // the review page's change
        var parts = view.Breakdown.ToDictionary(p => p.Cause, p => p.Amount);
        parts[MonthEndCockpit.Causes.NewLines].ShouldBe(47.50m);         // Acme's new firewall, 15 of 30 days
        parts[MonthEndCockpit.Causes.RemovedLines].ShouldBe(-85.00m);    // Beacon's firewall that ended with October
        parts[MonthEndCockpit.Causes.CountIncreases].ShouldBe(90.00m);   // Acme +2 × $45
        parts[MonthEndCockpit.Causes.CountDecreases].ShouldBe(-45.00m);  // Beacon −1 × $45
        parts[MonthEndCockpit.Causes.PriceChanges].ShouldBe(20.00m);     // two firewalls × +$10
        parts[MonthEndCockpit.Causes.Proration].ShouldBe(-47.50m);       // Acme's firewall: 15 of 30 days at $95
        parts[MonthEndCockpit.Causes.Time].ShouldBe(-100.00m);           // $75 now − $175 in October
        parts[MonthEndCockpit.Causes.OneOff].ShouldBe(-350.00m);         // −$50 now − $300 in October
        parts[MonthEndCockpit.Causes.Manual].ShouldBe(45.00m);           // the workstation added by hand
        parts[MonthEndCockpit.Causes.Other].ShouldBe(0m);
        view.Breakdown.Sum(p => p.Amount).ShouldBe(view.Change!.Value);
        view.RevenueFound.ShouldBe(137.50m);                             // 47.50 new + 90.00 count increase
        view.RevenueFoundLines.ShouldBe(2);
    }

    [Fact]
    public async Task GetAsync_MonthEndTime_NotStartedInProgressTook_PastMonthsListed()
    {
        await using var f = await Fixture.CreateAsync();
        var october = await f.Runs.OpenAsync(October, Ct);
        var started = f.Now.AddDays(-40);
        await f.PostAsync(october.RunId, workStartedUtc: started, postedUtc: started.AddMinutes(42));
        var november = await f.Runs.OpenAsync(November, Ct);

        var view = await f.Cockpit.GetAsync(November, Ct);
        view.Time.State.ShouldBe("not-started");
        view.Time.Text.ShouldBe("not started");
        var past = view.PastMonths.ShouldHaveSingleItem();
        past.Period.ShouldBe(October);
        past.Minutes.ShouldBe(42);
        past.Text.ShouldBe("took 42 min");

        await f.SetWorkStartedAsync(november.RunId, new DateTime(2026, 11, 15, 9, 30, 0, DateTimeKind.Utc));
        view = await f.Cockpit.GetAsync(November, Ct);
        view.Time.State.ShouldBe("in-progress");
        view.Time.Text.ShouldBe("in progress since 2026-11-15 09:30 UTC");
        view.Time.Minutes.ShouldBeNull();
    }

    [Fact]
    public async Task GetAsync_Chart_TwelveMonthsEndingWithTheMonth_MonthsWithoutARunAreZero()
    {
        await using var f = await Fixture.CreateAsync();
        var october = await f.Runs.OpenAsync(October, Ct);
        await f.PostAsync(october.RunId);
        await f.Runs.OpenAsync(November, Ct);

        var months = (await f.Cockpit.GetAsync(November, Ct)).Months;

        months.Count.ShouldBe(12);
        months[0].Period.ShouldBe(new BillingPeriod(new DateOnly(2025, 12, 1)));
        months[^1].Period.ShouldBe(November);
        months[^1].Total.ShouldBe(625.00m); // Acme 9 × 45 = 405 + Beacon 3 × 45 + 85 = 220
        months[^2].Total.ShouldBe(625.00m);
        months[^2].HasRun.ShouldBeTrue();
        months.Take(10).ShouldAllBe(m => m.Total == 0 && !m.HasRun);
    }

    private static MonthEndCockpit.Blocker Blocker(MonthEndCockpit.View view, string kind) =>
        view.Blockers.SingleOrDefault(b => b.Kind == kind) ?? throw new ShouldAssertException($"No {kind} blocker; got {string.Join(", ", view.Blockers.Select(b => b.Kind))}");

    private static List<string> Kinds(MonthEndCockpit.View view) => [.. view.Blockers.Select(b => b.Kind)];

    private sealed class Fixture : IAsyncDisposable
    {
        private Fixture(TestDatabase db) => Db = db;

        public TestDatabase Db { get; }
        public BillingRuns.Engine Engine { get; private set; } = null!;
        public BillingRuns.Handler Runs { get; private set; } = null!;
        public MonthEndCockpit.Handler Cockpit { get; private set; } = null!;
        public Guid Acme { get; private set; }
        public Guid Beacon { get; private set; }
        public Guid Ninja { get; private set; }
        public Guid Workstation { get; private set; }
        public Guid Firewall { get; private set; }
        public DateTime Now => Db.Time.GetUtcNow().UtcDateTime;

        public static async Task<Fixture> CreateAsync()
        {
            var f = new Fixture(await TestDatabase.CreateAsync());
            var db = f.Db;
            var sync = new SyncConnection.Handler(db.Factory, new NoServices(), new CredentialProtector(new EphemeralDataProtectionProvider()),
                new SyncProgressTracker(db.Time), new SyncLocks(), db.NewLeases(), [], db.Time, NullLogger<SyncConnection.Handler>.Instance);
            f.Engine = new BillingRuns.Engine(new BillingEvents(), new BillingLocks(), db.Audit, db.Time, sync, db.Factory, NullLogger<BillingRuns.Engine>.Instance);
            f.Runs = new BillingRuns.Handler(db.TenantDb(), f.Engine);
            f.Cockpit = new MonthEndCockpit.Handler(db.TenantDb(), db.Time);

            var items = new SaveCatalogItem.Handler(db.TenantDb(), db.Audit, db.Time);
            f.Workstation = await items.CreateAsync(new SaveCatalogItem.Request("Managed Workstation", 45m, 12m), Ct);
            f.Firewall = await items.CreateAsync(new SaveCatalogItem.Request("Firewall Management", 85m, 20m), Ct);
            var clients = new SaveClient.Handler(db.TenantDb(), db.Audit, db.Time);
            f.Acme = await clients.CreateAsync(new SaveClient.Request("Acme Dental", HourlyRate: 150m), Ct);
            f.Beacon = await clients.CreateAsync(new SaveClient.Request("Beacon Law", HourlyRate: 175m), Ct);
            var cobalt = await clients.CreateAsync(new SaveClient.Request("Cobalt Labs", ClientStatus.Inactive), Ct);

            await using (var ctx = db.Open())
            {
                var ninja = new VendorConnection
                {
                    Kind = VendorKind.NinjaOne, Name = "NinjaOne", BaseUrl = "https://example.test", ProtectedCredentials = "x",
                    CreatedUtc = f.Now, UpdatedUtc = f.Now, LastStatus = SyncStatus.Succeeded, LastSuccessUtc = f.Now,
                };
                ctx.VendorConnections.Add(ninja);
                ctx.VendorOrganizations.AddRange(
                    new VendorOrganization { ConnectionId = ninja.Id, ExternalId = "acme", Name = "Acme Dental", ClientId = f.Acme, FirstSeenUtc = f.Now, LastSeenUtc = f.Now },
                    new VendorOrganization { ConnectionId = ninja.Id, ExternalId = "beacon", Name = "Beacon Law", ClientId = f.Beacon, FirstSeenUtc = f.Now, LastSeenUtc = f.Now },
                    new VendorOrganization { ConnectionId = ninja.Id, ExternalId = "cobalt", Name = "Cobalt Labs", ClientId = cobalt, FirstSeenUtc = f.Now, LastSeenUtc = f.Now });
                await ctx.SaveChangesAsync(Ct);
                f.Ninja = ninja.Id;
            }

            await f.SnapshotAsync("acme", 9);
            await f.SnapshotAsync("beacon", 3);

            var lines = new SaveLine.Handler(db.TenantDb(), db.Audit, db.Time);
            var from = new DateOnly(2026, 1, 1);
            var bound = new SaveLine.VendorSource(f.Ninja, SourceMetrics.Workstations);
            await lines.AddAsync(f.Acme, new SaveLine.Request(f.Workstation, 0, EffectiveFrom: from, Source: bound), Ct);
            await lines.AddAsync(f.Beacon, new SaveLine.Request(f.Workstation, 0, EffectiveFrom: from, Source: bound), Ct);
            await lines.AddAsync(f.Beacon, new SaveLine.Request(f.Firewall, 1, EffectiveFrom: from), Ct);
            await lines.AddAsync(cobalt, new SaveLine.Request(f.Workstation, 0, EffectiveFrom: from, Source: bound), Ct);
            return f;
        }

        /// <summary>A completed NinjaOne sync of one organisation with <paramref name="workstations"/> approved workstations.</summary>
        public async Task SnapshotAsync(string organization, int workstations)
        {
            Db.Time.Advance(TimeSpan.FromMinutes(1));
            await using var ctx = Db.Open();
            ctx.CountSnapshots.Add(new CountSnapshot
            {
                ConnectionId = Ninja,
                OrganizationExternalId = organization,
                Metric = Metrics.Devices,
                Count = workstations,
                TakenUtc = Now,
                Assets = [.. Enumerable.Range(1, workstations).Select(i => new VendorAsset
                {
                    ExternalId = $"{organization}-{i}", Name = $"{organization.ToUpperInvariant()}-WS-{i:00}", Class = AssetClasses.Workstation,
                    VendorClass = "WINDOWS_WORKSTATION", Status = "APPROVED", Counted = true,
                })],
            });
            var connection = await ctx.VendorConnections.SingleAsync(c => c.Id == Ninja, Ct);
            connection.LastSuccessUtc = Now;
            await ctx.SaveChangesAsync(Ct);
        }

        public async Task SetSyncAsync(SyncStatus status, DateTime lastSuccessUtc)
        {
            await using var ctx = Db.Open();
            var connection = await ctx.VendorConnections.SingleAsync(c => c.Id == Ninja, Ct);
            connection.LastStatus = status;
            connection.LastSuccessUtc = lastSuccessUtc;
            connection.LastError = status == SyncStatus.Failed ? "The operation timed out." : null;
            await ctx.SaveChangesAsync(Ct);
        }

        /// <summary>A connected accounting target with imported customers (C-OLD inactive) and items.</summary>
        public async Task<Guid> ConnectAccountingAsync()
        {
            await using var ctx = Db.Open();
            var connection = new AccountingConnection { Kind = AccountingKind.Conductor, Status = AccountingStatus.Connected, CreatedUtc = Now, UpdatedUtc = Now };
            ctx.AccountingConnections.Add(connection);
            foreach (var (kind, id, active) in new[]
                     {
                         (AccountingRecordKinds.Customer, "C-ACME", true), (AccountingRecordKinds.Customer, "C-BEACON", true), (AccountingRecordKinds.Customer, "C-OLD", false),
                         (AccountingRecordKinds.Item, "I-WS", true), (AccountingRecordKinds.Item, "I-FW", true), (AccountingRecordKinds.Item, "I-MISC", true),
                     })
            {
                ctx.AccountingRecords.Add(new AccountingRecord { ConnectionId = connection.Id, Kind = kind, ExternalId = id, Name = id, Active = active, ImportedUtc = Now });
            }

            await ctx.SaveChangesAsync(Ct);
            return connection.Id;
        }

        /// <summary>Acme and Beacon to the given customers; Managed Workstation and Firewall Management to the given items.</summary>
        public async Task MapAsync(Guid connectionId, string[] customerRefs, string[] itemRefs)
        {
            await using var ctx = Db.Open();
            (await ctx.Clients.SingleAsync(c => c.Id == Acme, Ct)).AccountingCustomerRef = customerRefs[0];
            (await ctx.Clients.SingleAsync(c => c.Id == Beacon, Ct)).AccountingCustomerRef = customerRefs[1];
            (await ctx.CatalogItems.SingleAsync(c => c.Id == Workstation, Ct)).AccountingItemRef = itemRefs[0];
            (await ctx.CatalogItems.SingleAsync(c => c.Id == Firewall, Ct)).AccountingItemRef = itemRefs[1];
            await ctx.SaveChangesAsync(Ct);
        }

        public async Task AddPostingAsync(Guid runId, Invoice invoice, int version, PostingState state)
        {
            await using var ctx = Db.Open();
            ctx.InvoicePostings.Add(new InvoicePosting
            {
                RunId = runId, Period = November.Start, ClientId = invoice.ClientId, ClientName = invoice.ClientName, InvoiceId = invoice.Id,
                DocumentVersion = version, IdempotencyKey = $"{invoice.Id:N}-{version}", ExternalGuid = Guid.NewGuid(), Target = AccountingKind.Conductor,
                DocumentKind = DocumentKind.Invoice, Number = "CC-1001", Total = invoice.Total, State = state, QueuedBy = "tester@test.local", QueuedUtc = Now,
                Document = new PostingDocument($"{invoice.Id:N}-{version}", Guid.NewGuid(), DocumentKind.Invoice, "CC-1001", "C", invoice.ClientName,
                    November.LastDay, November.LastDay.AddDays(30), "", "USD", []),
            });
            await ctx.SaveChangesAsync(Ct);
        }

        /// <summary>Marks the run and its invoices posted, as the posting outbox will.</summary>
        public async Task PostAsync(Guid runId, DateTime? workStartedUtc = null, DateTime? postedUtc = null)
        {
            await using var ctx = Db.Open();
            var run = await ctx.BillingRuns.Include(r => r.Invoices).SingleAsync(r => r.Id == runId, Ct);
            run.Status = RunStatus.Posted;
            run.WorkStartedUtc = workStartedUtc;
            run.PostedUtc = postedUtc ?? Now;
            foreach (var invoice in run.Invoices)
            {
                invoice.Status = InvoiceStatus.Posted;
            }

            await ctx.SaveChangesAsync(Ct);
        }

        public async Task SetWorkStartedAsync(Guid runId, DateTime startedUtc)
        {
            await using var ctx = Db.Open();
            (await ctx.BillingRuns.SingleAsync(r => r.Id == runId, Ct)).WorkStartedUtc = startedUtc;
            await ctx.SaveChangesAsync(Ct);
        }

        public ValueTask DisposeAsync() => Db.DisposeAsync();

        private sealed class NoServices : IServiceProvider
        {
            public object? GetService(Type serviceType) => null;
        }
    }
}
