using CommandCenter.Billing;
using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Psa;
using CommandCenter.Tests.Support;
using CommandCenter.VendorSync;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Tests.Billing;

/// <summary>
/// The billing run workflow on a real migrated SQLite database: open, adjust, approve, refresh, un-approve, posted
/// months, charges billed once, inactive clients. The clock is 15 November 2026; the run is November's.
/// Acme Dental: 9 NinjaOne workstations at $45 = $405.00. Beacon Law: 3 NinjaOne workstations at $45 + a firewall at
/// $85 = $220.00. Cobalt Labs is inactive.
/// </summary>
public sealed class BillingRunsTests
{
    private static readonly BillingPeriod November = new(new DateOnly(2026, 11, 1));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenAsync_FirstOpen_CreatesTheRunWithOneInvoicePerActiveClient()
    {
        await using var f = await RunFixture.CreateAsync();

        var run = await f.Runs.OpenAsync(November, Ct);
        var again = await f.Runs.OpenAsync(November, Ct);

        again.RunId.ShouldBe(run.RunId);
        run.Status.ShouldBe(RunStatus.Open);
        run.Invoices.Select(i => i.ClientName).ShouldBe(["Acme Dental", "Beacon Law"]); // not the inactive Cobalt Labs
        run.Invoices.ShouldAllBe(i => i.Status == InvoiceStatus.Draft);
        Invoice(run, f.Acme).Total.ShouldBe(405.00m);  // 9 × $45
        Invoice(run, f.Beacon).Total.ShouldBe(220.00m); // 3 × $45 = 135.00 + 1 × $85 = 85.00
        run.Totals.Total.ShouldBe(625.00m);             // 405.00 + 220.00
        await using var ctx = f.Db.Open();
        (await ctx.BillingRuns.CountAsync(Ct)).ShouldBe(1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task AdjustAsync_WithoutReason_IsRefused(string reason)
    {
        await using var f = await RunFixture.CreateAsync();
        var run = await f.Runs.OpenAsync(November, Ct);
        var invoice = Invoice(run, f.Beacon);

        var error = await Should.ThrowAsync<ValidationFailedException>(() =>
            f.Runs.AdjustAsync(November, invoice.Id, new BillingRuns.AdjustRequest(f.BeaconFirewallKey, reason, Quantity: 2), Ct));

        error.Errors.Keys.ShouldContain("reason");
        Invoice(await f.Runs.OpenAsync(November, Ct), f.Beacon).Total.ShouldBe(220.00m); // unchanged
        await using var ctx = f.Db.Open();
        (await ctx.LineAdjustments.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task AdjustAsync_Override_IsAuditedWithBeforeAfterAndReason()
    {
        await using var f = await RunFixture.CreateAsync();
        var run = await f.Runs.OpenAsync(November, Ct);
        var invoiceId = Invoice(run, f.Beacon).Id;
        var changes = new List<BillingChange>();
        f.Events.Changed += changes.Add;

        var first = await f.Runs.AdjustAsync(November, invoiceId, new BillingRuns.AdjustRequest(f.BeaconFirewallKey, "Second firewall at the branch", Quantity: 2), Ct);
        var second = await f.Runs.AdjustAsync(November, invoiceId, new BillingRuns.AdjustRequest(f.BeaconFirewallKey, "Branch firewall billed at cost", UnitPrice: 60m), Ct);

        first.Total.ShouldBe(305.00m);  // 135.00 + 2 × $85 = 170.00
        second.Total.ShouldBe(255.00m); // 135.00 + 2 × $60 = 120.00 (the quantity override stays)
        var line = second.Lines.Single(l => l.Key == f.BeaconFirewallKey);
        line.Quantity.ShouldBe(2);
        line.UnitPrice.ShouldBe(60m);
        line.Amount.ShouldBe(120.00m);
        await using var ctx = f.Db.Open();
        var audits = await ctx.AuditEntries.Where(a => a.Action == "billing.line-adjusted").OrderBy(a => a.Id).ToListAsync(Ct);
        audits.Count.ShouldBe(2);
        audits[0].EntityId.ShouldBe(invoiceId.ToString());
        // The first override records what the line billed before it: the computed quantity, not the untouched price.
        audits[0].Before!.ShouldContain("\"quantity\":1");
        audits[0].Before!.ShouldNotContain("\"unitPrice\"");
        audits[0].After!.ShouldContain("\"quantity\":2");
        audits[0].Reason.ShouldBe("Second firewall at the branch");
        audits[0].Actor.ShouldBe("tester@test.local");
        audits[1].Before!.ShouldContain("\"quantity\":2");
        audits[1].Before!.ShouldContain("\"unitPrice\":85"); // the price billed before, though the first override left it alone
        audits[1].After!.ShouldContain("\"unitPrice\":60");
        audits[1].Reason.ShouldBe("Branch firewall billed at cost");
        changes.ShouldContain(c => c.ClientIds.Contains(f.Beacon) && c.Why == "adjusted");
    }

    [Fact]
    public async Task RefreshAsync_AfterPriceOverride_KeepsTheOverrideAndTakesTheNewCount()
    {
        await using var f = await RunFixture.CreateAsync();
        var run = await f.Runs.OpenAsync(November, Ct);
        var invoiceId = Invoice(run, f.Acme).Id;
        await f.Runs.AdjustAsync(November, invoiceId, new BillingRuns.AdjustRequest(f.AcmeWorkstationsKey, "Contract price for 2026", UnitPrice: 40m), Ct);

        await f.SnapshotAsync("acme", 10);
        var refreshed = await f.Runs.RefreshAsync(November, syncFirst: false, Ct);

        var line = Invoice(refreshed, f.Acme).Lines.Single(l => l.Key == f.AcmeWorkstationsKey);
        line.Quantity.ShouldBe(10);          // the new count
        line.UnitPrice.ShouldBe(40m);        // the override survives
        line.Amount.ShouldBe(400.00m);       // 10 × $40
        Invoice(refreshed, f.Acme).Total.ShouldBe(400.00m);
    }

    [Fact]
    public async Task ApproveAsync_UndecidedFlag_RefusesThatInvoiceAndNamesIt_DecidingThenApproves()
    {
        await using var f = await RunFixture.CreateAsync();
        await f.FailLastSyncAsync("The operation timed out.");
        var run = await f.Runs.OpenAsync(November, Ct);
        var acme = Invoice(run, f.Acme);
        acme.OpenFlags.ShouldBe(1);          // its NinjaOne line says the last sync failed…
        run.Totals.OpenFlags.ShouldBe(2);    // …and so does Beacon's

        var refused = await f.Runs.ApproveAsync(November, null, Ct);

        refused.Approved.ShouldBe(0);
        refused.Skipped.Select(s => s.ClientName).ShouldBe(["Acme Dental", "Beacon Law"], ignoreOrder: true);
        refused.Skipped.Single(s => s.ClientId == f.Acme).Reason.ShouldBe("1 flagged line to decide (accept, override or exclude)");

        await f.Runs.AdjustAsync(November, acme.Id, new BillingRuns.AdjustRequest(f.AcmeWorkstationsKey, "Count checked in NinjaOne by hand", Decision: Decisions.Accept), Ct);
        var approved = await f.Runs.ApproveAsync(November, null, Ct);

        approved.Approved.ShouldBe(1);
        approved.Skipped.ShouldHaveSingleItem().ClientName.ShouldBe("Beacon Law"); // still undecided
        var view = await f.Runs.OpenAsync(November, Ct);
        Invoice(view, f.Acme).Status.ShouldBe(InvoiceStatus.Approved);
        Invoice(view, f.Acme).Total.ShouldBe(405.00m);   // accepting keeps the computed 9 × $45
        Invoice(view, f.Beacon).Status.ShouldBe(InvoiceStatus.Draft);
        await using var ctx = f.Db.Open();
        var decided = await ctx.AuditEntries.SingleAsync(a => a.Action == "billing.flag-decided", Ct);
        decided.Reason.ShouldBe("Count checked in NinjaOne by hand");
        decided.After!.ShouldContain("\"decision\":\"accept\"");
    }

    [Fact]
    public async Task RefreshAsync_CountsChanged_UpdatesDraftsButLeavesApprovedInvoices_UnapproveTakesThem()
    {
        await using var f = await RunFixture.CreateAsync();
        var run = await f.Runs.OpenAsync(November, Ct);
        var beaconId = Invoice(run, f.Beacon).Id;
        (await f.Runs.ApproveAsync(November, [beaconId], Ct)).Approved.ShouldBe(1);

        await f.SnapshotAsync("acme", 11);
        await f.SnapshotAsync("beacon", 4);
        var refreshed = await f.Runs.RefreshAsync(November, syncFirst: false, Ct);

        Invoice(refreshed, f.Acme).Total.ShouldBe(495.00m);       // draft: 11 × $45
        var beacon = Invoice(refreshed, f.Beacon);
        beacon.Status.ShouldBe(InvoiceStatus.Approved);
        beacon.Total.ShouldBe(220.00m);                           // unchanged: 3 × $45 + $85
        beacon.NewerCountsAvailable.ShouldBeTrue();

        await f.Runs.UnapproveAsync(November, beaconId, "Take the new workstation", Ct);

        var after = Invoice(await f.Runs.OpenAsync(November, Ct), f.Beacon);
        after.Status.ShouldBe(InvoiceStatus.Draft);
        after.NewerCountsAvailable.ShouldBeFalse();
        after.Total.ShouldBe(265.00m);                            // 4 × $45 = 180.00 + $85
    }

    [Fact]
    public async Task RefreshAsync_PostedRun_IsRefusedAndNothingChanges()
    {
        await using var f = await RunFixture.CreateAsync();
        var run = await f.Runs.OpenAsync(November, Ct);
        await f.PostAsync(run.RunId);
        await f.SnapshotAsync("acme", 12);

        await Should.ThrowAsync<ConflictException>(() => f.Runs.RefreshAsync(November, syncFirst: false, Ct));
        await Should.ThrowAsync<ConflictException>(() =>
            f.Runs.AdjustAsync(November, Invoice(run, f.Acme).Id, new BillingRuns.AdjustRequest(f.AcmeWorkstationsKey, "Late change", Quantity: 1), Ct));

        var view = await f.Runs.OpenAsync(November, Ct);
        view.Status.ShouldBe(RunStatus.Posted);
        view.Version.ShouldBe(run.Version);
        Invoice(view, f.Acme).Total.ShouldBe(405.00m); // still 9 × $45, not 12
    }

    [Fact]
    public async Task OpenAsync_ChargeAlreadyBilledByAnotherRun_IsNotBilledAgain()
    {
        await using var f = await RunFixture.CreateAsync();
        var charges = new Charges.Handler(f.Db.TenantDb(), f.Db.Audit, f.Db.Time, f.Engine);
        var billed = await charges.AddAsync(new Charges.Request(f.Acme, new DateOnly(2026, 11, 3), "Firewall install (billed with October)", 300m), Ct);
        var pending = await charges.AddAsync(new Charges.Request(f.Acme, new DateOnly(2026, 11, 4), "Dock", 189.99m), Ct);
        await using (var ctx = f.Db.Open())
        {
            // October was posted with this charge on it (billed early): it carries October's invoice.
            var october = new BillingRun { Period = new DateOnly(2026, 10, 1), Status = RunStatus.Posted, CreatedUtc = f.Now, RefreshedUtc = f.Now, PostedUtc = f.Now };
            var octoberInvoice = new Invoice { ClientId = f.Acme, ClientName = "Acme Dental", Status = InvoiceStatus.Posted, InvoiceDate = new DateOnly(2026, 10, 31), DueDate = new DateOnly(2026, 11, 30), Total = 300m };
            october.Invoices.Add(octoberInvoice);
            ctx.BillingRuns.Add(october);
            await ctx.SaveChangesAsync(Ct);
            var charge = await ctx.OneOffCharges.SingleAsync(c => c.Id == billed, Ct);
            charge.BilledInvoiceId = octoberInvoice.Id;
            await ctx.SaveChangesAsync(Ct);
        }

        var run = await f.Runs.OpenAsync(November, Ct);

        var acme = Invoice(run, f.Acme);
        acme.Lines.ShouldNotContain(l => l.Key == $"charge:{billed:N}");
        acme.Lines.ShouldContain(l => l.Key == $"charge:{pending:N}" && l.Amount == 189.99m);
        acme.Total.ShouldBe(594.99m); // 9 × $45 = 405.00 + 189.99
    }

    [Fact]
    public async Task RefreshAsync_ClientMadeInactive_DropsItsDraft()
    {
        await using var f = await RunFixture.CreateAsync();
        (await f.Runs.OpenAsync(November, Ct)).Invoices.Count.ShouldBe(2);

        await new SaveClient.Handler(f.Db.TenantDb(), f.Db.Audit, f.Db.Time).UpdateAsync(f.Beacon, new SaveClient.Request("Beacon Law", ClientStatus.Inactive), Ct);
        var refreshed = await f.Runs.RefreshAsync(November, syncFirst: false, Ct);

        refreshed.Invoices.ShouldHaveSingleItem().ClientId.ShouldBe(f.Acme);
        refreshed.Totals.Total.ShouldBe(405.00m);
    }

    /// <summary>Acceptance: "A ticket closed as Billable in the PSA view grows that client's T&amp;M by exactly the amount billing-rules.md gives".</summary>
    [Fact]
    public async Task CloseAsync_BillableTicketThenRefresh_GrowsTheInvoiceByHoursTimesRate()
    {
        await using var f = await RunFixture.CreateAsync();
        var before = Invoice(await f.Runs.OpenAsync(November, Ct), f.Acme);
        before.Total.ShouldBe(405.00m);
        var tickets = new Tickets.Handler(f.Db.TenantDb(), f.Db.Audit, f.Db.Time);
        var ticketId = await tickets.CreateAsync(new Tickets.CreateRequest(f.Acme, "Printer offline", "tech@test.local"), Ct);
        await tickets.AddTimeAsync(ticketId, new Tickets.TimeRequest("tech@test.local", new DateOnly(2026, 11, 10), 50), Ct);
        await tickets.AddTimeAsync(ticketId, new Tickets.TimeRequest("tech@test.local", new DateOnly(2026, 11, 12), 30), Ct);

        var whileOpen = Invoice(await f.Runs.RefreshAsync(November, syncFirst: false, Ct), f.Acme);
        whileOpen.Total.ShouldBe(405.00m);                                     // open: not billed yet
        whileOpen.Warnings.ShouldHaveSingleItem().ShouldStartWith("1.33 h on open tickets (#"); // 80 min = 1.333… h

        await tickets.CloseAsync(ticketId, BillingClass.Billable, Ct);
        var after = Invoice(await f.Runs.RefreshAsync(November, syncFirst: false, Ct), f.Acme);

        // 50 + 30 = 80 min → rounded up to 15 → 90 min = 1.5 h × $150 (Acme's rate) = $225.00
        var time = after.Lines.Single(l => l.Key == $"ticket:{ticketId:N}");
        time.Kind.ShouldBe(LineKinds.Time);
        time.Quantity.ShouldBe(1.5m);
        time.UnitPrice.ShouldBe(150m);
        time.Amount.ShouldBe(225.00m);
        after.Total.ShouldBe(630.00m);                // 405.00 + 225.00
        (after.Total - before.Total).ShouldBe(225.00m);
        after.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public async Task OpenAsync_OctoberTimeClosedAfterOctoberWasPosted_BillsInNovemberWithItsDate_TimeBilledInOctoberDoesNot()
    {
        await using var f = await RunFixture.CreateAsync();
        var october = new BillingPeriod(new DateOnly(2026, 10, 1));
        var tickets = new Tickets.Handler(f.Db.TenantDb(), f.Db.Audit, f.Db.Time);
        var billedInOctober = await tickets.CreateAsync(new Tickets.CreateRequest(f.Acme, "Server patching", "tech@test.local"), Ct);
        await tickets.AddTimeAsync(billedInOctober, new Tickets.TimeRequest("tech@test.local", new DateOnly(2026, 10, 5), 60), Ct);
        await tickets.CloseAsync(billedInOctober, BillingClass.Billable, Ct);
        var late = await tickets.CreateAsync(new Tickets.CreateRequest(f.Acme, "VPN drops", "tech@test.local"), Ct);
        await tickets.AddTimeAsync(late, new Tickets.TimeRequest("tech@test.local", new DateOnly(2026, 10, 20), 40), Ct);

        var octoberRun = await f.Runs.OpenAsync(october, Ct);
        Invoice(octoberRun, f.Acme).Lines.ShouldContain(l => l.Key == $"ticket:{billedInOctober:N}");
        Invoice(octoberRun, f.Acme).Lines.ShouldNotContain(l => l.Key == $"ticket:{late:N}");       // still open at October's refresh
        await f.PostAsync(octoberRun.RunId);
        f.Db.Time.Advance(TimeSpan.FromHours(1));
        await tickets.CloseAsync(late, BillingClass.Billable, Ct);

        var november = Invoice(await f.Runs.OpenAsync(November, Ct), f.Acme);

        // 40 min → rounded up to 15 → 45 min = 0.75 h × $150 = $112.50, billed in the next open month with its original date.
        var line = november.Lines.Single(l => l.Key == $"ticket:{late:N}");
        line.Amount.ShouldBe(112.50m);
        line.Description.ShouldContain("2026-10-20");
        line.Description.ShouldContain("billed late");
        november.Lines.ShouldNotContain(l => l.Key == $"ticket:{billedInOctober:N}");             // billed once, in October
    }

    [Fact]
    public async Task PrepareAsync_TenantWithClients_OpensTheCurrentMonthOnce_AndTheFirstVisitFindsItComputed()
    {
        await using var f = await RunFixture.CreateAsync();
        using var services = new ServiceCollection().AddSingleton(f.Engine).BuildServiceProvider();
        var preparer = new BillingRunPreparer(f.Db.Factory, services.GetRequiredService<IServiceScopeFactory>(), f.Db.Time, NullLogger<BillingRunPreparer>.Instance);

        await preparer.PrepareAsync(Ct);
        await preparer.PrepareAsync(Ct);

        var found = await f.Runs.FindAsync(November, Ct);
        found.ShouldNotBeNull();
        found.Invoices.Select(i => i.ClientId).ShouldBe([f.Acme, f.Beacon], ignoreOrder: true);
        Invoice(found, f.Acme).Total.ShouldBe(405.00m);
        found.Version.ShouldBe(1);                     // computed once: the second pass found the run and left it alone
    }

    private static Invoice Invoice(RunView run, Guid clientId) => run.Invoices.Single(i => i.ClientId == clientId);

}
