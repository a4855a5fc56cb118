using CommandCenter.Accounting;
using CommandCenter.Billing;
using CommandCenter.Common;
using CommandCenter.Tests.Billing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Tests.Accounting;

/// <summary>
/// The posting outbox on a real migrated SQLite database, with the worker driven round by round. The target here is an
/// in-memory accounting system behind <see cref="IAccountingTarget"/> that can commit and then time out, refuse a
/// document, or fail read-backs (the real adapters and their simulators are tested against the wire elsewhere).
/// November: Acme Dental $405.00, Beacon Law $220.00.
/// </summary>
public sealed class PostingOutboxTests
{
    private static readonly BillingPeriod November = new(new DateOnly(2026, 11, 1));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PostAll_ThenWorker_PostsEachApprovedInvoiceOnceAndLocksTheMonth()
    {
        await using var f = await Outbox.CreateAsync();
        await f.ApproveAllAsync();

        var result = await f.Postings.PostAllAsync(November, cancellationToken: Ct);
        await f.Worker.RunOnceAsync(Ct);

        result.Queued.ShouldBe(2);
        result.Total.ShouldBe(625.00m); // 405.00 + 220.00
        f.Target.Held.Select(d => (d.Number, d.CustomerId, d.Total)).ShouldBe([("CC-1001", "C-ACME", 405.00m), ("CC-1002", "C-BEACON", 220.00m)]);
        var status = (await f.Postings.StatusAsync(November, Ct))!;
        status.Rows.Select(r => r.State).ShouldBe([PostingState.Posted, PostingState.Posted]);
        status.Rows.Select(r => r.ExternalId).ShouldBe(["QB-1", "QB-2"]);
        status.Locked.ShouldBeTrue();
        status.PostedTotal.ShouldBe(625.00m);
        await using var ctx = f.Run.Db.Open();
        (await ctx.Invoices.Select(i => i.Status).ToListAsync(Ct)).ShouldAllBe(s => s == InvoiceStatus.Posted);
        (await ctx.AuditEntries.CountAsync(a => a.Action == "accounting.posted", Ct)).ShouldBe(2);
        (await ctx.AuditEntries.CountAsync(a => a.Action == "billing.locked", Ct)).ShouldBe(1);
        (await ctx.BillingSettings.SingleAsync(Ct)).NextInvoiceNumber.ShouldBe(1003);
        await Should.ThrowAsync<ConflictException>(() => f.Postings.PostAllAsync(November, cancellationToken: Ct));
        await Should.ThrowAsync<ConflictException>(() => f.Run.Runs.RefreshAsync(November, syncFirst: false, Ct));
    }

    [Fact]
    public async Task Worker_AnotherInstanceHoldsTheTenantsPostingLease_SendsNothingUntilItIsReleased()
    {
        await using var f = await Outbox.CreateAsync();
        await f.ApproveAllAsync();
        await f.Postings.PostAllAsync(November, cancellationToken: Ct);
        var otherInstance = f.Run.Db.NewLeases();
        var held = await otherInstance.TryAcquireAsync(PostingWorker.LeaseKey(f.Run.Db.TenantId), cancellationToken: Ct);
        held.ShouldNotBeNull();

        await f.Worker.RunOnceAsync(Ct);

        f.Target.PostCalls.ShouldBe(0);
        (await f.Postings.StatusAsync(November, Ct))!.Rows.Select(r => r.State).ShouldBe([PostingState.Pending, PostingState.Pending]);

        await held.DisposeAsync();
        await f.Worker.RunOnceAsync(Ct);

        f.Target.PostCalls.ShouldBe(2);
        (await f.Postings.StatusAsync(November, Ct))!.Locked.ShouldBeTrue();
    }

    [Fact]
    public async Task PostAll_IdempotencyKey_IsDeterministicPerTenantPeriodClientAndVersion()
    {
        await using var f = await Outbox.CreateAsync();
        await f.ApproveAllAsync();

        await f.Postings.PostAllAsync(November, cancellationToken: Ct);

        await using var ctx = f.Run.Db.Open();
        var acme = await ctx.InvoicePostings.SingleAsync(p => p.ClientId == f.Run.Acme, Ct);
        acme.IdempotencyKey.ShouldBe($"cc:{f.Run.Db.TenantId:N}:2026-11:{f.Run.Acme:N}:v1");
        acme.ExternalGuid.ShouldBe(PostingKeys.NameBased(acme.IdempotencyKey));
        acme.Document.ExternalGuid.ShouldBe(acme.ExternalGuid);
        acme.State.ShouldBe(PostingState.Pending);
        PostingKeys.NameBased(acme.IdempotencyKey).ToString()[14].ShouldBe('5'); // a version-5 (name-based) UUID
    }

    [Fact]
    public async Task PostAll_UnmappedCustomer_HoldsOnlyThatInvoiceAndSaysWhy()
    {
        await using var f = await Outbox.CreateAsync();
        await f.ApproveAllAsync();
        await using (var ctx = f.Run.Db.Open())
        {
            (await ctx.Clients.SingleAsync(c => c.Id == f.Run.Beacon, Ct)).AccountingCustomerRef = null;
            await ctx.SaveChangesAsync(Ct);
        }

        var plan = await f.Postings.PlanAsync(November, Ct);
        var result = await f.Postings.PostAllAsync(November, cancellationToken: Ct);
        await f.Worker.RunOnceAsync(Ct);

        plan.Ready.ShouldBe(1);
        plan.Total.ShouldBe(405.00m);
        result.Queued.ShouldBe(1);
        result.Blocked.Single().ClientName.ShouldBe("Beacon Law");
        result.Blocked.Single().Reason.ShouldContain("not mapped to a customer");
        f.Target.Held.Select(d => d.CustomerName).ShouldBe(["Acme Dental Inc."]);
        (await f.Postings.StatusAsync(November, Ct))!.Locked.ShouldBeFalse(); // Beacon Law is approved but not posted
    }

    [Fact]
    public async Task Worker_TimeoutAfterCommit_IsResolvedByReadBackWithoutASecondPost()
    {
        await using var f = await Outbox.CreateAsync();
        await f.ApproveAllAsync();
        f.Target.CommitThenTimeOut = 1;
        await f.Postings.PostAllAsync(November, cancellationToken: Ct);

        await f.Worker.RunOnceAsync(Ct);
        var uncertain = (await f.Postings.StatusAsync(November, Ct))!;
        f.Run.Db.Time.Advance(TimeSpan.FromSeconds(3));
        await f.Worker.RunOnceAsync(Ct);
        var after = (await f.Postings.StatusAsync(November, Ct))!;

        uncertain.Rows.Select(r => r.State).ShouldBe([PostingState.Uncertain, PostingState.Posted]);
        uncertain.Rows[0].Error!.ShouldContain("read back");
        after.Rows.Select(r => r.State).ShouldBe([PostingState.Posted, PostingState.Posted]);
        f.Target.PostCalls.ShouldBe(2);  // one per invoice: the timed-out one was found, not sent again
        f.Target.Held.Count.ShouldBe(2);
        after.Locked.ShouldBeTrue();
    }

    [Fact]
    public async Task Worker_ReadBackFails_StaysUncertainAndNeverPostsBlind()
    {
        await using var f = await Outbox.CreateAsync();
        await f.ApproveAllAsync();
        f.Target.CommitThenTimeOut = 1;
        await f.Postings.PostAllAsync(November, cancellationToken: Ct);
        await f.Worker.RunOnceAsync(Ct);
        f.Target.FindFails = true;

        f.Run.Db.Time.Advance(TimeSpan.FromSeconds(3));
        await f.Worker.RunOnceAsync(Ct);
        var stillUncertain = (await f.Postings.StatusAsync(November, Ct))!;
        f.Target.FindFails = false;
        await f.Postings.CheckNowAsync(November, Ct);
        await f.Worker.RunOnceAsync(Ct);

        stillUncertain.Rows[0].State.ShouldBe(PostingState.Uncertain);
        stillUncertain.Rows[0].Error!.ShouldContain("reading it back failed");
        f.Target.PostCalls.ShouldBe(2);
        (await f.Postings.StatusAsync(November, Ct))!.Rows[0].State.ShouldBe(PostingState.Posted);
    }

    [Fact]
    public async Task Worker_AfterACrashMidPost_ReadsBackAndPostsOnlyWhatIsMissing()
    {
        await using var f = await Outbox.CreateAsync();
        await f.ApproveAllAsync();
        await f.Postings.PostAllAsync(November, cancellationToken: Ct);
        // The process died after both requests left: Acme's reached the books, Beacon's did not.
        await using (var ctx = f.Run.Db.Open())
        {
            foreach (var posting in await ctx.InvoicePostings.ToListAsync(Ct))
            {
                posting.State = PostingState.Posting;
                posting.Attempts = 1;
                if (posting.ClientId == f.Run.Acme)
                {
                    f.Target.Hold(posting.Document);
                }
            }

            await ctx.SaveChangesAsync(Ct);
        }

        await f.Worker.RunOnceAsync(Ct);

        f.Target.PostCalls.ShouldBe(1); // only Beacon Law's
        f.Target.Held.Select(d => d.Number).Order().ShouldBe(["CC-1001", "CC-1002"]);
        (await f.Postings.StatusAsync(November, Ct))!.Rows.ShouldAllBe(r => r.State == PostingState.Posted);
    }

    [Fact]
    public async Task Worker_DocumentInFlightElsewhere_IsLeftAloneUntilItsRequestMustHaveEnded()
    {
        await using var f = await Outbox.CreateAsync();
        await f.ApproveAllAsync();
        await f.Postings.PostAllAsync(November, cancellationToken: Ct);
        // Another instance (or this one before a crash) sent Acme's invoice a moment ago; the target has it.
        await using (var ctx = f.Run.Db.Open())
        {
            var acme = await ctx.InvoicePostings.SingleAsync(p => p.ClientId == f.Run.Acme, Ct);
            acme.State = PostingState.Posting;
            acme.Attempts = 1;
            acme.StartedUtc = f.Run.Now;
            f.Target.Hold(acme.Document);
            await ctx.SaveChangesAsync(Ct);
        }

        await f.Worker.RunOnceAsync(Ct);
        var meanwhile = (await f.Postings.StatusAsync(November, Ct))!;
        f.Run.Db.Time.Advance(TimeSpan.FromSeconds(AccountingConnection.DefaultTimeoutSeconds + 16));
        await f.Worker.RunOnceAsync(Ct);

        meanwhile.Rows.Select(r => r.State).ShouldBe([PostingState.Posting, PostingState.Posted]); // Beacon's went; Acme's was not touched
        f.Target.PostCalls.ShouldBe(1);
        (await f.Postings.StatusAsync(November, Ct))!.Rows.ShouldAllBe(r => r.State == PostingState.Posted); // then read back, not resent
        f.Target.Held.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Worker_Rejected_FailsThatInvoiceOnly_AndARetryIsANewVersionWithTheSameNumber()
    {
        await using var f = await Outbox.CreateAsync();
        await f.ApproveAllAsync();
        f.Target.Reject.Add("CC-1001");
        await f.Postings.PostAllAsync(November, cancellationToken: Ct);

        await f.Worker.RunOnceAsync(Ct);
        var failed = (await f.Postings.StatusAsync(November, Ct))!;
        var acmeInvoice = failed.Rows[0].InvoiceId;
        var beaconInvoice = failed.Rows[1].InvoiceId;
        await Should.ThrowAsync<ConflictException>(() => f.Run.Runs.UnapproveAsync(November, beaconInvoice, "too late", Ct));
        f.Target.Reject.Clear();
        var retry = await f.Postings.PostAllAsync(November, cancellationToken: Ct);
        await f.Worker.RunOnceAsync(Ct);

        failed.Rows.Select(r => r.State).ShouldBe([PostingState.Failed, PostingState.Posted]);
        failed.Rows[0].Error.ShouldBe("Customer Acme Dental Inc. is inactive in QuickBooks.");
        failed.Locked.ShouldBeFalse();
        retry.Queued.ShouldBe(1);
        var done = (await f.Postings.StatusAsync(November, Ct))!;
        done.Rows[0].InvoiceId.ShouldBe(acmeInvoice);
        done.Rows[0].DocumentVersion.ShouldBe(2);
        done.Rows[0].Number.ShouldBe("CC-1001");
        done.Rows[0].State.ShouldBe(PostingState.Posted);
        done.Locked.ShouldBeTrue();
        await using var ctx = f.Run.Db.Open();
        (await ctx.InvoicePostings.Where(p => p.InvoiceId == acmeInvoice).OrderBy(p => p.DocumentVersion).Select(p => p.IdempotencyKey).ToListAsync(Ct))
            .Select(k => k[^3..]).ShouldBe([":v1", ":v2"]);
    }

    [Fact]
    public async Task Worker_AuthorizationRevoked_FailsWithoutSendingAndAsksTheOwnerToConnectAgain()
    {
        await using var f = await Outbox.CreateAsync();
        await f.ApproveAllAsync();
        await f.Postings.PostAllAsync(November, cancellationToken: Ct);
        f.Target.Revoked = true;

        await f.Worker.RunOnceAsync(Ct);

        var status = (await f.Postings.StatusAsync(November, Ct))!;
        status.Rows.ShouldAllBe(r => r.State == PostingState.Failed && r.Error == "QuickBooks Online: the refresh token was revoked; connect again.");
        f.Target.Held.ShouldBeEmpty();
        var plan = await f.Postings.PlanAsync(November, Ct);
        plan.Problem!.ShouldContain("needs to be connected again");
        await Should.ThrowAsync<ConflictException>(() => f.Postings.PostAllAsync(November, cancellationToken: Ct));
    }

    [Fact]
    public async Task PostAll_NegativeTotal_PostsACreditMemoWithPositiveAmounts()
    {
        await using var f = await Outbox.CreateAsync();
        var run = await f.Run.Runs.OpenAsync(November, Ct);
        var acme = run.Invoices.Single(i => i.ClientId == f.Run.Acme);
        await f.Run.Runs.AdjustAsync(November, acme.Id, new BillingRuns.AdjustRequest(f.Run.AcmeWorkstationsKey, "Refund of an overbilled year", UnitPrice: -50m), Ct);
        await f.ApproveAllAsync();

        await f.Postings.PostAllAsync(November, cancellationToken: Ct);
        await f.Worker.RunOnceAsync(Ct);

        var memo = f.Target.Held.Single(d => d.CustomerId == "C-ACME");
        memo.Kind.ShouldBe(DocumentKind.CreditMemo);
        memo.Total.ShouldBe(450.00m); // 9 × $50 given back
        memo.Lines.Single().Amount.ShouldBe(450.00m);
        f.Target.Held.Single(d => d.CustomerId == "C-BEACON").Kind.ShouldBe(DocumentKind.Invoice);
    }

    [Fact]
    public async Task LockedMonth_ReopenAndCorrect_PostsANewLinkedDocumentAndLocksAgain()
    {
        await using var f = await Outbox.CreateAsync();
        await f.ApproveAllAsync();
        await f.Postings.PostAllAsync(November, cancellationToken: Ct);
        await f.Worker.RunOnceAsync(Ct);
        var acmeInvoice = (await f.Postings.StatusAsync(November, Ct))!.Rows[0].InvoiceId;
        var correction = new CorrectionRequest(acmeInvoice, CorrectionKind.CreditMemo, [new CorrectionLineRequest(null, "One workstation retired on the 2nd", 1, 45m)], "Client reported a retired device");

        await Should.ThrowAsync<ConflictException>(() => f.Postings.AddCorrectionAsync(November, correction, Ct)); // locked: reopen first
        (await Should.ThrowAsync<ValidationFailedException>(() => f.Postings.ReopenAsync(November, " ", Ct))).Errors.Keys.ShouldContain("reason");
        foreach (var role in new[] { (string?)null, CommandCenter.Tenancy.Roles.Billing }) // an API key, a Billing user
        {
            var notOwner = new Postings.Handler(new CommandCenter.Persistence.TenantDb(f.Run.Db.Factory, new FixedTenantContext(new TenantScope(f.Run.Db.TenantId, "someone", role))), f.Service);
            await Should.ThrowAsync<ConflictException>(() => notOwner.ReopenAsync(November, "Trying", Ct));
        }

        await f.Postings.ReopenAsync(November, "Credit for a retired device", Ct);
        var created = await f.Postings.AddCorrectionAsync(November, correction, Ct);
        await f.Worker.RunOnceAsync(Ct);
        await f.Postings.LockAsync(November, "Correction posted", Ct);

        created.Total.ShouldBe(45.00m);
        var memo = f.Target.Held.Last();
        memo.Kind.ShouldBe(DocumentKind.CreditMemo);
        memo.Number.ShouldBe("CC-1003");
        memo.Memo.ShouldContain("CC-1001");
        memo.Lines.Single().ItemId.ShouldBe("I-MISC"); // no catalog item: the fallback item
        f.Target.Held.Count.ShouldBe(3); // the originals were not re-posted
        var status = (await f.Postings.StatusAsync(November, Ct))!;
        status.Locked.ShouldBeTrue();
        status.PostedTotal.ShouldBe(580.00m); // 625.00 − 45.00
        status.Corrections.Single().Reason.ShouldBe("Client reported a retired device");
        await using var ctx = f.Run.Db.Open();
        (await ctx.AuditEntries.CountAsync(a => a.Action == "billing.reopened" && a.Reason == "Credit for a retired device", Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task Correction_RefusedByTheTarget_HoldsTheRelockUntilItsRetryIsPosted()
    {
        await using var f = await Outbox.CreateAsync();
        await f.ApproveAllAsync();
        await f.Postings.PostAllAsync(November, cancellationToken: Ct);
        await f.Worker.RunOnceAsync(Ct);
        var acmeInvoice = (await f.Postings.StatusAsync(November, Ct))!.Rows[0].InvoiceId;
        await f.Postings.ReopenAsync(November, "Missed a server", Ct);
        f.Target.Reject.Add("CC-1003");
        await f.Postings.AddCorrectionAsync(November, new CorrectionRequest(acmeInvoice, CorrectionKind.Supplementary, [new CorrectionLineRequest(null, "Server onboarding", 1, 150m)], "Server added on the 20th"), Ct);
        await f.Worker.RunOnceAsync(Ct);

        var failed = (await f.Postings.StatusAsync(November, Ct))!.Rows.Single(r => r.CorrectionId is not null);
        await Should.ThrowAsync<ConflictException>(() => f.Postings.LockAsync(November, null, Ct));
        f.Target.Reject.Clear();
        var retry = await f.Postings.PostAllAsync(November, [acmeInvoice], cancellationToken: Ct);
        await f.Worker.RunOnceAsync(Ct);
        await f.Postings.LockAsync(November, "Supplementary invoice posted", Ct);

        failed.State.ShouldBe(PostingState.Failed);
        retry.Queued.ShouldBe(1);
        var posted = (await f.Postings.StatusAsync(November, Ct))!;
        var row = posted.Rows.Single(r => r.CorrectionId is not null);
        (row.State, row.DocumentVersion, row.Number).ShouldBe((PostingState.Posted, 2, "CC-1003"));
        f.Target.Held.Count(d => d.Number == "CC-1003").ShouldBe(1);
        f.Target.Held.Single(d => d.Number == "CC-1003").IdempotencyKey.ShouldEndWith(":v2");
        posted.Locked.ShouldBeTrue();
        posted.PostedTotal.ShouldBe(775.00m); // 625.00 + 150.00
    }

    [Fact]
    public async Task PostAll_Iif_ExportsOneStrictlyValidFileWhoseTotalsEqualThePreview_AndWarnsBeforeExportingTheMonthAgain()
    {
        await using var f = await Outbox.CreateAsync(AccountingKind.Iif);
        await using (var ctx = f.Run.Db.Open())
        {
            (await ctx.Clients.SingleAsync(c => c.Id == f.Run.Beacon, Ct)).AccountingCustomerRef = null; // held back from the first file
            await ctx.SaveChangesAsync(Ct);
        }

        await f.ApproveAllAsync();
        var preview = await f.Run.Runs.OpenAsync(November, Ct);

        var first = await f.Postings.PostAllAsync(November, cancellationToken: Ct);
        await using (var ctx = f.Run.Db.Open())
        {
            (await ctx.Clients.SingleAsync(c => c.Id == f.Run.Beacon, Ct)).AccountingCustomerRef = "C-BEACON";
            await ctx.SaveChangesAsync(Ct);
        }

        await Should.ThrowAsync<ConflictException>(() => f.Postings.PostAllAsync(November, cancellationToken: Ct)); // exported before: confirm
        var second = await f.Postings.PostAllAsync(November, confirmRepeatExport: true, cancellationToken: Ct);

        var status = (await f.Postings.StatusAsync(November, Ct))!;
        status.Exports.Select(e => (e.Documents, e.Total, e.Repeat)).ShouldBe([(1, 405.00m, false), (1, 220.00m, true)]);
        status.Locked.ShouldBeTrue();
        status.Rows.ShouldAllBe(r => r.State == PostingState.Posted);
        var files = new List<IifTransaction>();
        foreach (var id in new[] { first.ExportId!.Value, second.ExportId!.Value })
        {
            var export = (await f.Postings.ExportFileAsync(November, id, Ct))!;
            files.AddRange(IifStrictParser.Parse(export.Content));
        }

        files.Select(t => (t.Name, t.DocNum)).ShouldBe([("Acme Dental Inc.", "CC-1001"), ("Beacon Law LLP", "CC-1002")]);
        files.Sum(t => t.Amount).ShouldBe(preview.Totals.Total); // 625.00
        f.Target.PostCalls.ShouldBe(0); // no API involved
    }

    private sealed class Outbox : IAsyncDisposable
    {
        private ServiceProvider _services = null!;

        public RunFixture Run { get; private set; } = null!;
        public FakeTarget Target { get; } = new();
        public Postings.Handler Postings { get; private set; } = null!;
        public PostingWorker Worker { get; private set; } = null!;
        public Postings.Service Service { get; private set; } = null!;

        public static async Task<Outbox> CreateAsync(AccountingKind kind = AccountingKind.Conductor)
        {
            var f = new Outbox { Run = await RunFixture.CreateAsync() };
            var db = f.Run.Db;
            await using (var ctx = db.Open())
            {
                var connection = new AccountingConnection { Kind = kind, Status = AccountingStatus.Connected, FallbackItemRef = "I-MISC", CreatedUtc = f.Run.Now, UpdatedUtc = f.Run.Now };
                ctx.AccountingConnections.Add(connection);
                AccountingRecord Record(string kind, string id, string name) => new() { ConnectionId = connection.Id, Kind = kind, ExternalId = id, Name = name, ImportedUtc = f.Run.Now };
                ctx.AccountingRecords.AddRange(
                    Record(AccountingRecordKinds.Customer, "C-ACME", "Acme Dental Inc."), Record(AccountingRecordKinds.Customer, "C-BEACON", "Beacon Law LLP"),
                    Record(AccountingRecordKinds.Item, "I-WS", "MS-Workstation"), Record(AccountingRecordKinds.Item, "I-FW", "MS-Firewall"), Record(AccountingRecordKinds.Item, "I-MISC", "Misc charges"));
                (await ctx.Clients.SingleAsync(c => c.Id == f.Run.Acme, Ct)).AccountingCustomerRef = "C-ACME";
                (await ctx.Clients.SingleAsync(c => c.Id == f.Run.Beacon, Ct)).AccountingCustomerRef = "C-BEACON";
                foreach (var item in await ctx.CatalogItems.ToListAsync(Ct))
                {
                    item.AccountingItemRef = item.Name == "Firewall Management" ? "I-FW" : "I-WS";
                }

                await ctx.SaveChangesAsync(Ct);
            }

            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton<TimeProvider>(db.Time);
            services.AddSingleton(db.Factory);
            services.AddSingleton(f.Run.Events);
            services.AddSingleton(new BillingLocks());
            services.AddSingleton(db.Audit);
            services.AddSingleton<PostingSignal>();
            services.AddSingleton<CommandCenter.Common.Leases>();
            services.AddSingleton(new AccountingCredentialProtector(new EphemeralDataProtectionProvider()));
            services.AddSingleton<AccountingEndpoints>();
            services.AddScoped<Postings.Service>();
            services.AddKeyedSingleton<IAccountingTarget>(AccountingKind.Conductor, f.Target);
            services.AddSingleton<PostingWorker>();
            f._services = services.BuildServiceProvider();
            f.Service = f._services.CreateScope().ServiceProvider.GetRequiredService<Postings.Service>();
            f.Postings = new Postings.Handler(db.TenantDb(), f.Service);
            f.Worker = f._services.GetRequiredService<PostingWorker>();
            return f;
        }

        public async Task ApproveAllAsync()
        {
            await Run.Runs.OpenAsync(November, Ct);
            (await Run.Runs.ApproveAsync(November, null, Ct)).Skipped.ShouldBeEmpty();
        }

        public async ValueTask DisposeAsync()
        {
            await _services.DisposeAsync();
            await Run.DisposeAsync();
        }
    }

    /// <summary>An accounting system in memory: holds what was posted, keyed by the document's external GUID, like Conductor's externalId.</summary>
    private sealed class FakeTarget : IAccountingTarget
    {
        private readonly List<(PostingDocument Document, string Id)> _held = [];

        public IReadOnlyList<PostingDocument> Held => [.. _held.Select(h => h.Document)];
        public HashSet<string> Reject { get; } = [];
        public int CommitThenTimeOut { get; set; }
        public bool FindFails { get; set; }
        public int PostCalls { get; private set; }
        public bool Revoked { get; set; }

        public void Hold(PostingDocument document) => _held.Add((document, $"QB-{_held.Count + 1}"));

        public Task CheckAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<ExternalCustomer>> ListCustomersAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ExternalCustomer>>([]);

        public Task<IReadOnlyList<ExternalItem>> ListItemsAsync(AccountingEndpoint endpoint, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ExternalItem>>([]);

        public Task<PostedDocument> PostAsync(AccountingEndpoint endpoint, PostingDocument document, CancellationToken cancellationToken)
        {
            PostCalls++;
            if (Revoked)
            {
                throw new AccountingAuthorizationException("QuickBooks Online: the refresh token was revoked; connect again.");
            }

            if (Reject.Contains(document.Number))
            {
                throw new AccountingRejectedException($"Customer {document.CustomerName} is inactive in QuickBooks.");
            }

            Hold(document);
            if (CommitThenTimeOut > 0)
            {
                CommitThenTimeOut--;
                throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.");
            }

            return Task.FromResult(new PostedDocument(_held[^1].Id, document.Number, document.Total));
        }

        public Task<PostedDocument?> FindAsync(AccountingEndpoint endpoint, PostingDocument document, CancellationToken cancellationToken)
        {
            if (FindFails)
            {
                throw new AccountingException("QuickBooks Desktop is not running.");
            }

            var found = _held.Where(h => h.Document.ExternalGuid == document.ExternalGuid).Select(h => new PostedDocument(h.Id, h.Document.Number, h.Document.Total)).SingleOrDefault();
            return Task.FromResult(found);
        }
    }
}
