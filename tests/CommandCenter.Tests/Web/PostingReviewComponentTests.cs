using Bunit;
using CommandCenter.Accounting;
using CommandCenter.Billing;
using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using CommandCenter.Tests.Support;
using CommandCenter.VendorSync;
using CommandCenter.Web.Features.Billing.Review;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Services;

namespace CommandCenter.Tests.Web;

/// <summary>
/// The review page's posting side (issue 6) on a real migrated SQLite database: Post all's confirmation, the live
/// posting panel, the locked month, reopening and corrections. The clock is 15 November 2026; the run is November's.
/// Acme Dental: 9 × $45 = $405.00 (mapped). Beacon Law: 3 × $45 = $135.00 (no customer in QuickBooks Online).
/// Cobalt Labs: 2 × $45 = $90.00 (mapped, left as a draft).
/// </summary>
public sealed class PostingReviewComponentTests : BunitContext
{
    private static readonly BillingPeriod November = new(new DateOnly(2026, 11, 1));

    private TestDatabase _db = null!;
    private BillingRuns.Handler _runs = null!;
    private BillingEvents _events = null!;
    private Guid _acme;
    private Guid _beacon;
    private Guid _cobalt;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public PostingReviewComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    [Fact]
    public async Task PostAll_ConfirmDialog_StatesCountTotalTargetAndWhatIsLeftOutThenQueues()
    {
        await using var db = await UseDatabaseAsync();
        var run = await _runs.OpenAsync(November, Ct);
        await _runs.ApproveAsync(November, [InvoiceOf(run, _acme), InvoiceOf(run, _beacon)], Ct);
        var (cut, dialogs) = RenderPage();

        cut.WaitForAssertion(() => cut.Find("[data-testid=post-all]").GetAttribute("data-ready").ShouldBe("1"));
        cut.Find("[data-testid=post-all]").HasAttribute("disabled").ShouldBeFalse();
        cut.Find("[data-testid=post-all]").Click();

        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=confirm-post-summary]"));
        var summary = dialogs.Find("[data-testid=confirm-post-summary]");
        summary.GetAttribute("data-count").ShouldBe("1");
        summary.GetAttribute("data-total").ShouldBe("405.00");
        summary.TextContent.ShouldContain("Post 1 invoice totalling $405.00 to QuickBooks Online");
        dialogs.Find("[data-testid=confirm-post-not-approved]").GetAttribute("data-count").ShouldBe("1"); // Cobalt Labs
        var blocked = dialogs.Find("[data-testid=confirm-post-blocked]");
        blocked.GetAttribute("data-client-id").ShouldBe(_beacon.ToString());
        blocked.TextContent.ShouldContain("Beacon Law is not mapped to a customer in QuickBooks Online");
        blocked.QuerySelector("a")!.GetAttribute("href").ShouldBe("/settings/accounting");

        dialogs.Find("[data-testid=confirm-post-submit]").Click();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=posting-row]").Count.ShouldBe(1));
        var row = cut.Find("[data-testid=posting-row]");
        row.GetAttribute("data-state").ShouldBe("pending");
        row.GetAttribute("data-client-id").ShouldBe(_acme.ToString());
        cut.Find("[data-testid=posting-progress]").GetAttribute("data-total").ShouldBe("1");
        cut.Find("[data-testid=post-all]").HasAttribute("disabled").ShouldBeTrue(); // nothing else is ready
        await using var ctx = db.Open();
        (await ctx.InvoicePostings.SingleAsync(Ct)).ClientId.ShouldBe(_acme);
    }

    [Fact]
    public async Task PostAll_NoAccountingConnected_DisabledWithTheProblemLinkingToSettings()
    {
        await using var db = await UseDatabaseAsync(connect: false);
        var run = await _runs.OpenAsync(November, Ct);
        await _runs.ApproveAsync(November, [InvoiceOf(run, _acme)], Ct);

        var (cut, _) = RenderPage();

        cut.WaitForAssertion(() => cut.Find("[data-testid=post-problem]").GetAttribute("href").ShouldBe("/settings/accounting"));
        cut.Find("[data-testid=post-all]").HasAttribute("disabled").ShouldBeTrue();
    }

    [Fact]
    public async Task PostingPanel_EveryState_RendersOneRowWithItsStateIdErrorAndCounts()
    {
        await using var db = await UseDatabaseAsync(extraClients: 2);
        var run = await _runs.OpenAsync(November, Ct);
        await _runs.ApproveAsync(November, null, Ct);
        var invoices = (await _runs.FindAsync(November, Ct))!.Invoices;
        var states = new[] { PostingState.Pending, PostingState.Posting, PostingState.Posted, PostingState.Failed, PostingState.Uncertain };
        for (var i = 0; i < states.Length; i++)
        {
            await SeedPostingAsync(run.RunId, invoices[i], states[i]);
        }

        var (cut, _) = RenderPage();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=posting-row]").Count.ShouldBe(5));
        var rows = cut.FindAll("[data-testid=posting-row]").ToDictionary(r => r.GetAttribute("data-client-id")!);
        for (var i = 0; i < states.Length; i++)
        {
            rows[invoices[i].ClientId.ToString()].GetAttribute("data-state").ShouldBe(PostingStates.Name(states[i]));
        }

        var posted = rows[invoices[2].ClientId.ToString()];
        posted.QuerySelector("[data-testid=posting-external]")!.TextContent.ShouldBe("INV-1003 · QB-1003");
        posted.QuerySelector("[data-testid=posting-error]").ShouldBeNull();
        rows[invoices[3].ClientId.ToString()].QuerySelector("[data-testid=posting-error]")!.TextContent.ShouldContain("Customer is inactive");
        rows[invoices[4].ClientId.ToString()].QuerySelector("[data-testid=posting-error]")!.TextContent.ShouldContain("timed out");
        rows[invoices[4].ClientId.ToString()].QuerySelector("[data-testid=posting-attempts]")!.TextContent.Trim().ShouldBe("1");
        var progress = cut.Find("[data-testid=posting-progress]");
        progress.GetAttribute("data-posted").ShouldBe("1");
        progress.GetAttribute("data-total").ShouldBe("5");
        progress.GetAttribute("data-failed").ShouldBe("1");
        progress.GetAttribute("data-uncertain").ShouldBe("1");
        cut.Find("[data-testid=posting-summary]").TextContent.ShouldBe("1 of 5 posted · 1 failed · 1 uncertain · 2 to go");
        cut.Find("[data-testid=posting-retry]").TextContent.ShouldContain("Retry failed (1)");
        cut.FindAll("[data-testid=posting-check]").Count.ShouldBe(1);

        // Hiding posted rows keeps them rendered (hidden by style), so nothing is lost from the count.
        cut.Find("[data-testid=posting-hide-posted]").Click();
        cut.Find("[data-testid=posting-hide-posted]").GetAttribute("data-active").ShouldBe("true");
        cut.FindAll("[data-testid=posting-row]").Count.ShouldBe(5);
    }

    [Fact]
    public async Task PostingPanel_RetryFailed_QueuesTheFailedInvoiceAgainAsANewVersion()
    {
        await using var db = await UseDatabaseAsync();
        var run = await _runs.OpenAsync(November, Ct);
        await _runs.ApproveAsync(November, [InvoiceOf(run, _acme)], Ct);
        await SeedPostingAsync(run.RunId, run.Invoices.Single(i => i.ClientId == _acme), PostingState.Failed);
        var (cut, _) = RenderPage();
        cut.WaitForAssertion(() => cut.Find("[data-testid=posting-row]").GetAttribute("data-state").ShouldBe("failed"));

        cut.Find("[data-testid=posting-retry]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=posting-row]").GetAttribute("data-state").ShouldBe("pending"));
        await using var ctx = db.Open();
        (await ctx.InvoicePostings.Where(p => p.ClientId == _acme).Select(p => p.DocumentVersion).ToListAsync(Ct)).ShouldBe([1, 2], ignoreOrder: true);
    }

    [Fact]
    public async Task PostingPanel_StateChangePublished_RowFollowsLive()
    {
        await using var db = await UseDatabaseAsync();
        var run = await _runs.OpenAsync(November, Ct);
        await _runs.ApproveAsync(November, [InvoiceOf(run, _acme)], Ct);
        var postingId = await SeedPostingAsync(run.RunId, run.Invoices.Single(i => i.ClientId == _acme), PostingState.Pending);
        var (cut, _) = RenderPage();
        cut.WaitForAssertion(() => cut.Find("[data-testid=posting-row]").GetAttribute("data-state").ShouldBe("pending"));

        await SetStateAsync(postingId, PostingState.Posting, null);
        cut.WaitForAssertion(() => cut.Find("[data-testid=posting-row]").GetAttribute("data-state").ShouldBe("posting"));
        await SetStateAsync(postingId, PostingState.Posted, "QB-77");

        cut.WaitForAssertion(() => cut.Find("[data-testid=posting-row]").GetAttribute("data-state").ShouldBe("posted"));
        cut.Find("[data-testid=posting-external]").TextContent.ShouldContain("QB-77");
        cut.Find("[data-testid=posting-progress]").GetAttribute("data-posted").ShouldBe("1");
        cut.Find("[data-testid=posting-summary]").TextContent.ShouldBe("1 of 1 posted");
    }

    [Fact]
    public async Task LockedMonth_ShowsLockedChipAndNoEditingControls_OwnerMayReopen()
    {
        await using var db = await UseDatabaseAsync();
        await LockedMonthAsync();

        var (cut, _) = RenderPage();

        // The rows come through Virtualize, a render after the header: wait for both.
        cut.WaitForAssertion(() =>
        {
            cut.Find("[data-testid=month-locked]").TextContent.ShouldContain("Locked · posted 2026-11-15");
            cut.FindAll("[data-testid=invoice-row]").Count.ShouldBe(3); // the invoices are shown, only without their actions
        });
        cut.FindAll("[data-testid=refresh-counts]").ShouldBeEmpty();
        cut.FindAll("[data-testid=approve-all]").ShouldBeEmpty();
        cut.FindAll("[data-testid=post-all]").ShouldBeEmpty();
        cut.FindAll("[data-testid=approve-invoice]").ShouldBeEmpty();
        cut.FindAll("[data-testid=adjust-line]").ShouldBeEmpty();
        cut.FindAll("[data-testid=add-line]").ShouldBeEmpty();
        cut.FindAll("[data-testid=correction-add]").ShouldBeEmpty(); // locked: corrections need a reopen first
        cut.FindAll("[data-testid=posting-row]").Count.ShouldBe(3);
        cut.FindAll("[data-testid=month-reopen]").Count.ShouldBe(1);
    }

    [Fact]
    public async Task LockedMonth_BillingUser_CannotReopen()
    {
        await using var db = await UseDatabaseAsync(role: Roles.Billing);
        await LockedMonthAsync();

        var (cut, _) = RenderPage();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=month-locked]").Count.ShouldBe(1));
        cut.FindAll("[data-testid=month-reopen]").ShouldBeEmpty();
    }

    [Fact]
    public async Task Reopen_WithoutReason_SaysSoAndStaysLocked_WithReasonShowsWhoReopenedAndCorrections()
    {
        await using var db = await UseDatabaseAsync();
        await LockedMonthAsync();
        var (cut, dialogs) = RenderPage();
        cut.WaitForAssertion(() => cut.Find("[data-testid=month-reopen]"));

        cut.Find("[data-testid=month-reopen]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=reopen-confirm]"));
        dialogs.Find("[data-testid=reopen-confirm]").Click();

        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldContain("Say why (it is kept in the audit log)."));
        await using (var ctx = db.Open())
        {
            (await ctx.BillingRuns.SingleAsync(Ct)).Status.ShouldBe(RunStatus.Posted);
        }

        dialogs.Find("[data-testid=reopen-reason] input, input[data-testid=reopen-reason], textarea[data-testid=reopen-reason]").Input("Acme's firewall was billed twice");
        dialogs.Find("[data-testid=reopen-confirm]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=month-reopened]").TextContent.ShouldContain("by tester@test.local"));
        cut.Find("[data-testid=month-reopened]").TextContent.ShouldContain("Acme's firewall was billed twice");
        cut.FindAll("[data-testid=month-locked]").ShouldBeEmpty();
        cut.FindAll("[data-testid=month-lock]").Count.ShouldBe(1);
        cut.FindAll("[data-testid=correction-add]").Count.ShouldBe(3);
        cut.FindAll("[data-testid=approve-all]").ShouldBeEmpty(); // still read-only: corrections are new documents
    }

    [Fact]
    public async Task CorrectionDialog_MissingReasonAndPrice_ShowsTheMessagesAtTheFields_ValidOneQueuesACreditMemo()
    {
        await using var db = await UseDatabaseAsync();
        await LockedMonthAsync();
        await using (var ctx = db.Open())
        {
            (await ctx.BillingRuns.SingleAsync(Ct)).Status = RunStatus.Reopened;
            // Lines without a catalog item post under this item.
            (await ctx.AccountingConnections.SingleAsync(Ct)).FallbackItemRef = "qbo-item-ws";
            await ctx.SaveChangesAsync(Ct);
        }

        var (cut, dialogs) = RenderPage();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=correction-add]").Count.ShouldBe(3));
        cut.Find($"[data-testid=posting-row][data-client-id='{_acme}'] [data-testid=correction-add]").Click();
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=correction-dialog]"));

        dialogs.Find("input[data-testid=correction-line-description], [data-testid=correction-line-description] input").Input("Firewall billed twice");
        dialogs.Find("[data-testid=correction-save]").Click();

        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldContain("Reason is required."));
        dialogs.Markup.ShouldContain("The unit price must be above 0");
        dialogs.FindAll("[data-testid=correction-error]").ShouldBeEmpty(); // each message sits at its field
        await using (var ctx = db.Open())
        {
            (await ctx.Corrections.CountAsync(Ct)).ShouldBe(0);
        }

        dialogs.Find("input[data-testid=correction-line-price], [data-testid=correction-line-price] input").Change("85");
        dialogs.Find("textarea[data-testid=correction-reason], [data-testid=correction-reason] textarea, [data-testid=correction-reason] input").Input("Firewall management billed twice in November");
        dialogs.Find("[data-testid=correction-save]").Click();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=posting-row][data-correction=true]").Count.ShouldBe(1));
        var row = cut.Find("[data-testid=posting-row][data-correction=true]");
        row.GetAttribute("data-state").ShouldBe("pending");
        row.GetAttribute("data-kind").ShouldBe("credit-memo");
        row.GetAttribute("data-client-id").ShouldBe(_acme.ToString());
        row.QuerySelector("[data-testid=posting-total]")!.GetAttribute("data-amount").ShouldBe("85.00");
        await using (var ctx = db.Open())
        {
            var correction = await ctx.Corrections.SingleAsync(Ct);
            correction.Kind.ShouldBe(CorrectionKind.CreditMemo);
            correction.Total.ShouldBe(85.00m);
        }
    }

    private (IRenderedComponent<BillingReviewPage> Page, IRenderedComponent<MudDialogProvider> Dialogs) RenderPage()
    {
        // The page reads the run only in its interactive render.
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/billing/2026-11");
        var cut = Render<BillingReviewPage>(p => p.Add(c => c.Period, "2026-11"));
        return (cut, dialogs);
    }

    private static Guid InvoiceOf(RunView run, Guid clientId) => run.Invoices.Single(i => i.ClientId == clientId).Id;

    private async Task<TestDatabase> UseDatabaseAsync(bool connect = true, int extraClients = 0, string role = Roles.Owner)
    {
        var db = _db = await TestDatabase.CreateAsync();
        _events = new BillingEvents();
        var tenantDb = new TenantDb(db.Factory, new FixedTenantContext(new TenantScope(db.TenantId, "tester@test.local", role)));
        var sync = new SyncConnection.Handler(db.Factory, new NoServices(), new CredentialProtector(new EphemeralDataProtectionProvider()),
            new SyncProgressTracker(db.Time), new SyncLocks(), db.NewLeases(), [], db.Time, NullLogger<SyncConnection.Handler>.Instance);
        var engine = new BillingRuns.Engine(_events, new BillingLocks(), db.Audit, db.Time, sync, db.Factory, NullLogger<BillingRuns.Engine>.Instance);
        _runs = new BillingRuns.Handler(tenantDb, engine);
        var postings = new Postings.Service(new BillingLocks(), _events, db.Audit, db.Time, new PostingSignal(), NullLogger<Postings.Service>.Instance);
        Services.AddSingleton(tenantDb);
        Services.AddSingleton<TimeProvider>(db.Time);
        Services.AddSingleton(_events);
        Services.AddSingleton(_runs);
        Services.AddSingleton(new Postings.Handler(tenantDb, postings));
        Services.AddSingleton(new MonthReopening.Handler(tenantDb));
        Services.AddSingleton(new SaveCatalogItem.Handler(tenantDb, db.Audit, db.Time));

        var owner = db.TenantDb();
        var items = new SaveCatalogItem.Handler(owner, db.Audit, db.Time);
        var workstation = await items.CreateAsync(new SaveCatalogItem.Request("Managed Workstation", 45m, 12m, "qbo-item-ws"), Ct);
        var clients = new SaveClient.Handler(owner, db.Audit, db.Time);
        _acme = await clients.CreateAsync(new SaveClient.Request("Acme Dental", AccountingCustomerRef: "qbo-cust-acme"), Ct);
        _beacon = await clients.CreateAsync(new SaveClient.Request("Beacon Law"), Ct);
        _cobalt = await clients.CreateAsync(new SaveClient.Request("Cobalt Labs", AccountingCustomerRef: "qbo-cust-cobalt"), Ct);
        var lines = new SaveLine.Handler(owner, db.Audit, db.Time);
        var from = new DateOnly(2026, 1, 1);
        await lines.AddAsync(_acme, new SaveLine.Request(workstation, 9, EffectiveFrom: from), Ct);
        await lines.AddAsync(_beacon, new SaveLine.Request(workstation, 3, EffectiveFrom: from), Ct);
        await lines.AddAsync(_cobalt, new SaveLine.Request(workstation, 2, EffectiveFrom: from), Ct);
        for (var i = 1; i <= extraClients; i++)
        {
            var extra = await clients.CreateAsync(new SaveClient.Request($"Delta Client {i}", AccountingCustomerRef: $"qbo-cust-{i}"), Ct);
            await lines.AddAsync(extra, new SaveLine.Request(workstation, i, EffectiveFrom: from), Ct);
        }

        if (connect)
        {
            await using var ctx = db.Open();
            var now = db.Time.GetUtcNow().UtcDateTime;
            var connection = new AccountingConnection { Kind = AccountingKind.Qbo, Status = AccountingStatus.Connected, CreatedUtc = now, UpdatedUtc = now };
            ctx.AccountingConnections.Add(connection);
            ctx.AccountingRecords.AddRange(
                new AccountingRecord { ConnectionId = connection.Id, Kind = AccountingRecordKinds.Customer, ExternalId = "qbo-cust-acme", Name = "Acme Dental", ImportedUtc = now },
                new AccountingRecord { ConnectionId = connection.Id, Kind = AccountingRecordKinds.Customer, ExternalId = "qbo-cust-cobalt", Name = "Cobalt Labs", ImportedUtc = now },
                new AccountingRecord { ConnectionId = connection.Id, Kind = AccountingRecordKinds.Item, ExternalId = "qbo-item-ws", Name = "Managed Workstation", ImportedUtc = now });
            await ctx.SaveChangesAsync(Ct);
        }

        return db;
    }

    /// <summary>Every invoice of November posted (one posted document each) and the month locked, as the worker leaves it.</summary>
    private async Task LockedMonthAsync()
    {
        var run = await _runs.OpenAsync(November, Ct);
        await _runs.ApproveAsync(November, null, Ct);
        foreach (var invoice in run.Invoices)
        {
            await SeedPostingAsync(run.RunId, invoice, PostingState.Posted);
        }

        await using var ctx = _db.Open();
        var stored = await ctx.BillingRuns.Include(r => r.Invoices).SingleAsync(Ct);
        stored.Status = RunStatus.Posted;
        stored.PostedUtc = _db.Time.GetUtcNow().UtcDateTime;
        foreach (var invoice in stored.Invoices)
        {
            invoice.Status = InvoiceStatus.Posted;
            invoice.Number = $"INV-{invoice.ClientName[..4]}";
        }

        await ctx.SaveChangesAsync(Ct);
    }

    private async Task<Guid> SeedPostingAsync(Guid runId, Invoice invoice, PostingState state)
    {
        await using var ctx = _db.Open();
        var count = await ctx.InvoicePostings.CountAsync(Ct);
        var number = $"INV-{1001 + count}";
        var key = $"test:{invoice.ClientId:N}:1";
        var posting = new InvoicePosting
        {
            RunId = runId,
            Period = November.Start,
            ClientId = invoice.ClientId,
            ClientName = invoice.ClientName,
            InvoiceId = invoice.Id,
            DocumentVersion = 1,
            IdempotencyKey = key,
            ExternalGuid = Guid.NewGuid(),
            Target = AccountingKind.Qbo,
            DocumentKind = DocumentKind.Invoice,
            Number = number,
            Total = invoice.Total,
            Document = new PostingDocument(key, Guid.NewGuid(), DocumentKind.Invoice, number, "qbo-cust", invoice.ClientName, new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 30),
                "November 2026", "USD", []),
            State = state,
            Attempts = state == PostingState.Pending ? 0 : 1,
            ExternalId = state == PostingState.Posted ? $"QB-{1001 + count}" : null,
            ExternalNumber = state == PostingState.Posted ? number : null,
            Error = state switch
            {
                PostingState.Failed => "QuickBooks Online refused the invoice: Customer is inactive.",
                PostingState.Uncertain => "The request timed out after the invoice may have been created; it is read back before any retry.",
                _ => null,
            },
            QueuedBy = "tester@test.local",
            QueuedUtc = _db.Time.GetUtcNow().UtcDateTime,
        };
        ctx.InvoicePostings.Add(posting);
        await ctx.SaveChangesAsync(Ct);
        return posting.Id;
    }

    /// <summary>What the worker does on each step: the row's state, the run's version, the change event.</summary>
    private async Task SetStateAsync(Guid postingId, PostingState state, string? externalId)
    {
        BillingChange change;
        await using (var ctx = _db.Open())
        {
            var posting = await ctx.InvoicePostings.SingleAsync(p => p.Id == postingId, Ct);
            posting.State = state;
            posting.ExternalId = externalId;
            posting.Attempts = 1;
            var run = await ctx.BillingRuns.SingleAsync(r => r.Id == posting.RunId, Ct);
            run.Version++;
            await ctx.SaveChangesAsync(Ct);
            change = new BillingChange(_db.TenantId, November.Start, run.Version, [posting.ClientId], PostingStates.Name(state));
        }

        _events.Publish(change);
    }

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
