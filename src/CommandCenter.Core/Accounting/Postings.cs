using CommandCenter.Audit;
using CommandCenter.Billing;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Accounting;

/// <summary>One document's posting as pages and the API show it (the latest version of each document).</summary>
public sealed record PostingRow(
    Guid PostingId,
    Guid InvoiceId,
    Guid? CorrectionId,
    Guid ClientId,
    string ClientName,
    string Number,
    DocumentKind DocumentKind,
    decimal Total,
    PostingState State,
    int Attempts,
    int DocumentVersion,
    string? ExternalId,
    string? ExternalNumber,
    string? Error,
    DateTime QueuedUtc,
    DateTime? FinishedUtc,
    DateTime? NextAttemptUtc)
{
    public string StateName => PostingStates.Name(State);
}

public sealed record IifExportInfo(Guid Id, string FileName, int Documents, decimal Total, string ExportedBy, DateTime ExportedUtc, bool Repeat);

public sealed record CorrectionInfo(Guid Id, Guid InvoiceId, string ClientName, CorrectionKind Kind, decimal Total, string Reason, string CreatedBy, DateTime CreatedUtc);

/// <summary>The posting side of a month: every document's state, the counts, whether the month is locked.</summary>
public sealed record PostingStatus(
    BillingPeriod Period,
    RunStatus RunStatus,
    AccountingKind? Target,
    string? TargetName,
    int Invoices,
    int NotApproved,
    int ReadyToPost,
    int Pending,
    int Posting,
    int Posted,
    int Failed,
    int Uncertain,
    decimal PostedTotal,
    DateTime? LockedUtc,
    IReadOnlyList<PostingRow> Rows,
    IReadOnlyList<IifExportInfo> Exports,
    IReadOnlyList<CorrectionInfo> Corrections)
{
    public bool Locked => RunStatus == RunStatus.Posted;
    public int Active => Pending + Posting + Uncertain;
    /// <summary>Documents queued in this month (latest version of each), for "12 of 40 posted".</summary>
    public int Queued => Rows.Count;
}

/// <summary>What "Post all" would do now: for the confirm dialog (count and total) and for what is left out and why.</summary>
public sealed record PostPlan(
    AccountingKind? Target,
    string? TargetName,
    int Ready,
    decimal Total,
    int CreditMemos,
    int NotApproved,
    IReadOnlyList<ApproveSkip> Blocked,
    IReadOnlyList<IifExportInfo> PreviousExports,
    string? Problem);

public sealed record PostResult(int Queued, decimal Total, int NotApproved, IReadOnlyList<ApproveSkip> Blocked, Guid? ExportId);

public sealed record CorrectionRequest(Guid InvoiceId, CorrectionKind Kind, IReadOnlyList<CorrectionLineRequest> Lines, string Reason);

public sealed record CorrectionLineRequest(Guid? ItemId, string Description, decimal Quantity, decimal UnitPrice);

/// <summary>Wakes the posting worker when documents are queued (it also polls).</summary>
public sealed class PostingSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// The posting outbox (design invariant 5). "Post all" freezes each approved invoice into a document with a
/// deterministic idempotency key and queues it (state pending) in the same transaction that numbers it; the worker
/// (<see cref="PostingWorker"/>) sends them one at a time per tenant, marking each "posting" before its request leaves,
/// so a crash at any point is resumed by reading back first. Once every invoice of the month is posted the month is
/// locked; corrections after that are new documents (credit memo / supplementary invoice), never edits.
/// </summary>
public static class Postings
{
    public sealed class Handler(TenantDb tenantDb, Service service)
    {
        public async Task<PostPlan> PlanAsync(BillingPeriod period, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            return await service.PlanAsync(db, period, cancellationToken);
        }

        public async Task<PostResult> PostAllAsync(BillingPeriod period, IReadOnlyCollection<Guid>? invoiceIds = null, bool confirmRepeatExport = false, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            return await service.PostAllAsync(db, period, invoiceIds, confirmRepeatExport, cancellationToken);
        }

        public async Task<PostingStatus?> StatusAsync(BillingPeriod period, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            return await Service.StatusAsync(db, period, cancellationToken);
        }

        /// <summary>Uncertain documents are read back now instead of at their next scheduled check.</summary>
        public async Task<int> CheckNowAsync(BillingPeriod period, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            return await service.CheckNowAsync(db, period, cancellationToken);
        }

        public async Task ReopenAsync(BillingPeriod period, string reason, CancellationToken cancellationToken = default)
        {
            var scope = await tenantDb.ScopeAsync(cancellationToken);
            // A signed-in Owner only: not a Billing user, and not an API key (automation never reopens a posted month).
            if (scope.Role != Tenancy.Roles.Owner || scope.ViaApiKey)
            {
                throw new ConflictException("Only an Owner can reopen a locked month (on the month's page).");
            }

            await using var db = await tenantDb.OpenAsync(cancellationToken);
            await service.ReopenAsync(db, period, reason, cancellationToken);
        }

        public async Task LockAsync(BillingPeriod period, string? reason, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            await service.LockAgainAsync(db, period, reason, cancellationToken);
        }

        public async Task<CorrectionInfo> AddCorrectionAsync(BillingPeriod period, CorrectionRequest request, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            return await service.AddCorrectionAsync(db, period, request, cancellationToken);
        }

        public async Task<IifExport?> ExportFileAsync(BillingPeriod period, Guid exportId, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            return await service.ExportFileAsync(db, period, exportId, cancellationToken);
        }
    }

    public sealed class Service(
        BillingLocks locks,
        BillingEvents events,
        AuditWriter audit,
        TimeProvider time,
        PostingSignal signal,
        ILogger<Service> logger)
    {
        public async Task<PostPlan> PlanAsync(AppDbContext db, BillingPeriod period, CancellationToken cancellationToken)
        {
            var run = await db.BillingRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Period == period.Start, cancellationToken)
                ?? throw new NotFoundException("Billing run", period.ToString());
            var connection = await db.AccountingConnections.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
            var exports = await ExportsAsync(db, run.Id, cancellationToken);
            var name = connection is null ? null : AccountingEndpoints.DisplayName(connection.Kind);
            if (connection is not null && run.Status == RunStatus.Posted)
            {
                return new PostPlan(connection.Kind, name, 0, 0, 0, 0, [], exports, $"{period.Display} is posted and locked.");
            }

            // Only approved invoices can be posted, so only they are read whole (lines and evidence); every open review
            // page asks for the plan on each change of the run.
            var notApproved = await db.Invoices.CountAsync(i => i.RunId == run.Id && i.Status == InvoiceStatus.Draft, cancellationToken);
            if (connection is null)
            {
                return new PostPlan(null, null, 0, 0, 0, notApproved, [], exports, "No accounting system is connected: set one up in Settings → Accounting.");
            }

            var invoices = await db.Invoices.AsNoTracking().Where(i => i.RunId == run.Id && i.Status == InvoiceStatus.Approved).ToListAsync(cancellationToken);
            var (ready, blocked, _, _) = await SelectAsync(db, run.Id, invoices, connection, null, cancellationToken);
            return new PostPlan(connection.Kind, name, ready.Count, ready.Sum(i => i.Total), ready.Count(i => i.Total < 0), notApproved, blocked, exports,
                connection.Status == AccountingStatus.NeedsAuthorization ? $"{name} needs to be connected again (Settings → Accounting)." : null);
        }

        public async Task<PostResult> PostAllAsync(AppDbContext db, BillingPeriod period, IReadOnlyCollection<Guid>? invoiceIds, bool confirmRepeatExport, CancellationToken cancellationToken)
        {
            PostResult result;
            BillingRun run;
            using (await locks.AcquireAsync(db.CurrentTenantId!.Value, cancellationToken))
            {
                run = await db.BillingRuns.SingleOrDefaultAsync(r => r.Period == period.Start, cancellationToken)
                    ?? throw new NotFoundException("Billing run", period.ToString());
                if (run.Status == RunStatus.Posted)
                {
                    throw new ConflictException($"{period.Display} is posted and locked; corrections are new documents (reopen the month first).");
                }

                var connection = await db.AccountingConnections.AsNoTracking().SingleOrDefaultAsync(cancellationToken)
                    ?? throw new ConflictException("No accounting system is connected: set one up in Settings → Accounting.");
                if (connection.Status == AccountingStatus.NeedsAuthorization)
                {
                    throw new ConflictException($"{AccountingEndpoints.DisplayName(connection.Kind)} needs to be connected again before posting (Settings → Accounting).");
                }

                var invoices = await db.Invoices.Where(i => i.RunId == run.Id).ToListAsync(cancellationToken);
                if (invoiceIds is not null)
                {
                    var unknown = invoiceIds.Where(id => invoices.All(i => i.Id != id)).ToList();
                    if (unknown.Count > 0)
                    {
                        throw ValidationFailedException.For("invoiceIds", "One or more invoices are not part of this month's run.");
                    }
                }

                var (ready, blocked, mappings, latest) = await SelectAsync(db, run.Id, invoices, connection, invoiceIds, cancellationToken);
                if (connection.Kind == AccountingKind.Iif && ready.Count > 0 && !confirmRepeatExport && await db.IifExports.AnyAsync(e => e.RunId == run.Id, cancellationToken))
                {
                    throw new ConflictException(
                        $"{period.Display} was exported to IIF before. The new file holds only the {ready.Count} invoice(s) not exported yet, but check that QuickBooks has not imported them some other way; confirm to export again.");
                }

                var now = time.GetUtcNow().UtcDateTime;
                var settings = await BillingSettingsStore.GetOrCreateAsync(db, cancellationToken);
                var postings = new List<InvoicePosting>();
                foreach (var invoice in ready)
                {
                    if (!PostingDocuments.Billed(invoice).Any())
                    {
                        // Nothing to bill (every line excluded or gone): no document is sent, and the invoice counts as done.
                        invoice.Status = InvoiceStatus.Posted;
                        invoice.PostedUtc = now;
                        audit.Record(db, "accounting.nothing-to-post", nameof(Invoice), invoice.Id, null, new { invoice.ClientName }, "Every line of the invoice is excluded or removed.");
                        continue;
                    }

                    var version = latest.GetValueOrDefault(invoice.Id) + 1;
                    // A retry after a failure keeps the number: nothing was created under it.
                    invoice.Number ??= PostingDocuments.NextNumber(settings);
                    invoice.DocumentVersion = version;
                    var key = PostingKeys.ForInvoice(run.TenantId, period, invoice.ClientId, version);
                    var document = PostingDocuments.ForInvoice(invoice, period, key, invoice.Number, mappings, settings.Currency);
                    var posting = new InvoicePosting
                    {
                        RunId = run.Id,
                        Period = period.Start,
                        ClientId = invoice.ClientId,
                        ClientName = invoice.ClientName,
                        InvoiceId = invoice.Id,
                        DocumentVersion = version,
                        IdempotencyKey = key,
                        ExternalGuid = document.ExternalGuid,
                        Target = connection.Kind,
                        DocumentKind = document.Kind,
                        Number = invoice.Number,
                        Total = invoice.Total,
                        Document = document,
                        State = PostingState.Pending,
                        QueuedBy = db.Actor ?? "system",
                        QueuedUtc = now,
                    };
                    postings.Add(posting);
                    db.InvoicePostings.Add(posting);
                }

                // A correction the target refused goes again as a new version (same number, new key): nothing was created under the old one.
                var failedCorrections = (await db.InvoicePostings.Where(p => p.RunId == run.Id && p.CorrectionId != null).ToListAsync(cancellationToken))
                    .GroupBy(p => p.CorrectionId).Select(g => g.MaxBy(p => p.DocumentVersion)!)
                    .Where(p => p.State == PostingState.Failed && (invoiceIds is null || invoiceIds.Contains(p.InvoiceId))).ToList();
                foreach (var failed in failedCorrections)
                {
                    var key = PostingKeys.ForCorrection(run.TenantId, period, failed.ClientId, failed.CorrectionId!.Value, failed.DocumentVersion + 1);
                    var document = failed.Document with { IdempotencyKey = key, ExternalGuid = PostingKeys.NameBased(key), Memo = failed.Document.Memo.Replace(failed.IdempotencyKey, key, StringComparison.Ordinal) };
                    var retry = new InvoicePosting
                    {
                        RunId = run.Id, Period = period.Start, ClientId = failed.ClientId, ClientName = failed.ClientName, InvoiceId = failed.InvoiceId,
                        CorrectionId = failed.CorrectionId, DocumentVersion = failed.DocumentVersion + 1, IdempotencyKey = key, ExternalGuid = document.ExternalGuid,
                        Target = connection.Kind, DocumentKind = failed.DocumentKind, Number = failed.Number, Total = failed.Total, Document = document,
                        State = PostingState.Pending, QueuedBy = db.Actor ?? "system", QueuedUtc = now,
                    };
                    postings.Add(retry);
                    db.InvoicePostings.Add(retry);
                }

                Guid? exportId = null;
                if (connection.Kind == AccountingKind.Iif && postings.Count > 0)
                {
                    exportId = await ExportIifAsync(db, run, period, connection, postings, invoices, confirmRepeatExport, now, cancellationToken);
                }

                if (postings.Count > 0 || ready.Count > 0)
                {
                    run.WorkStartedUtc ??= now;
                    run.Version++;
                    audit.Record(db, "billing.post-all", nameof(BillingRun), run.Id, null,
                        new { Period = period.ToString(), Target = connection.Kind.ToString(), Documents = postings.Count, Total = postings.Sum(p => p.Total), Blocked = blocked.Count }, null);
                    await LockIfCompleteAsync(db, run, now, cancellationToken);

                    await db.SaveChangesAsync(cancellationToken);
                }

                result = new PostResult(postings.Count, postings.Sum(p => p.Total), invoices.Count(i => i.Status == InvoiceStatus.Draft), blocked, exportId);
                if (postings.Count > 0)
                {
                    events.Publish(new BillingChange(run.TenantId, period.Start, run.Version, [.. postings.Select(p => p.ClientId)], "posting"));
                }
            }

            signal.Wake();
            return result;
        }

        /// <summary>
        /// Approved invoices without a live or posted document (a failed one is sent again as a new version), and the ones
        /// held by their mappings; with the mappings read and each invoice's latest document version, for building them.
        /// </summary>
        private static async Task<Selection> SelectAsync(AppDbContext db, Guid runId, List<Invoice> invoices, AccountingConnection connection, IReadOnlyCollection<Guid>? only, CancellationToken cancellationToken)
        {
            var latest = (await db.InvoicePostings.AsNoTracking().Where(p => p.RunId == runId && p.CorrectionId == null)
                .Select(p => new { p.InvoiceId, p.DocumentVersion, p.State }).ToListAsync(cancellationToken))
                .GroupBy(p => p.InvoiceId).ToDictionary(g => g.Key, g => g.MaxBy(p => p.DocumentVersion)!);
            var candidates = invoices
                .Where(i => i.Status == InvoiceStatus.Approved && (only is null || only.Contains(i.Id)))
                .Where(i => !latest.TryGetValue(i.Id, out var last) || last.State == PostingState.Failed)
                .OrderBy(i => i.ClientName, StringComparer.OrdinalIgnoreCase).ThenBy(i => i.ClientId)
                .ToList();
            var mappings = await PostingMappings.LoadAsync(db, connection, [.. candidates.Select(i => i.ClientId)], cancellationToken);
            var ready = new List<Invoice>();
            var blocked = new List<ApproveSkip>();
            foreach (var invoice in candidates)
            {
                var reasons = mappings.Blockers(invoice.ClientId, PostingDocuments.Billed(invoice).Select(l => (l.ItemId, l.Description)));
                if (reasons.Count > 0)
                {
                    blocked.Add(new ApproveSkip(invoice.Id, invoice.ClientId, invoice.ClientName, string.Join(" ", reasons)));
                }
                else
                {
                    ready.Add(invoice);
                }
            }

            return new Selection(ready, blocked, mappings, latest.ToDictionary(p => p.Key, p => p.Value.DocumentVersion));
        }

        private sealed record Selection(List<Invoice> Ready, List<ApproveSkip> Blocked, PostingMappings Mappings, Dictionary<Guid, int> LatestVersions);

        /// <summary>
        /// IIF has no API: the documents go into one file (the export ledger keeps it, with its hash), and they count as
        /// posted once the file exists — importing it is the owner's step, and a second export of the same month warns.
        /// </summary>
        private async Task<Guid> ExportIifAsync(AppDbContext db, BillingRun run, BillingPeriod period, AccountingConnection connection, List<InvoicePosting> postings, List<Invoice> invoices, bool repeat, DateTime now, CancellationToken cancellationToken)
        {
            var sending = postings.Where(p => p.State == PostingState.Pending).ToList();
            var content = Iif.IifWriter.Write([.. sending.Select(p => p.Document)], new Iif.IifOptions(connection.IifArAccount, connection.IifIncomeAccount, connection.IifDateFormat));
            var export = new IifExport
            {
                RunId = run.Id,
                Period = period.Start,
                Documents = sending.Count,
                Total = sending.Sum(p => p.Total),
                Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)),
                Content = content,
                FileName = Iif.IifWriter.FileName(period, now),
                ExportedBy = db.Actor ?? "system",
                ExportedUtc = now,
                Repeat = repeat && await db.IifExports.AnyAsync(e => e.RunId == run.Id, cancellationToken),
            };
            db.IifExports.Add(export);
            var byId = invoices.ToDictionary(i => i.Id);
            foreach (var posting in sending)
            {
                posting.State = PostingState.Posted;
                posting.ExportId = export.Id;
                posting.ExternalId = $"{export.FileName}#{posting.Number}";
                posting.ExternalNumber = posting.Number;
                posting.Attempts = 1;
                posting.StartedUtc = now;
                posting.FinishedUtc = now;
                byId[posting.InvoiceId].Status = InvoiceStatus.Posted;
                byId[posting.InvoiceId].PostedUtc = now;
                await BillChargesAsync(db, byId[posting.InvoiceId], cancellationToken);
            }

            audit.Record(db, "accounting.iif.exported", nameof(IifExport), export.Id, null,
                new { export.FileName, export.Documents, export.Total, export.Sha256, export.Repeat }, null);
            return export.Id;
        }

        /// <summary>One-off charges are billed once: the posted invoice now owns them.</summary>
        private static async Task BillChargesAsync(AppDbContext db, Invoice invoice, CancellationToken cancellationToken)
        {
            var chargeIds = PostingDocuments.Billed(invoice).Where(l => l.Kind == LineKinds.Charge && l.Key.StartsWith("charge:", StringComparison.Ordinal))
                .Select(l => Guid.TryParseExact(l.Key["charge:".Length..], "N", out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToList();
            if (chargeIds.Count > 0)
            {
                foreach (var charge in await db.OneOffCharges.Where(c => chargeIds.Contains(c.Id)).ToListAsync(cancellationToken))
                {
                    charge.BilledInvoiceId = invoice.Id;
                }
            }
        }

        public static async Task<PostingStatus?> StatusAsync(AppDbContext db, BillingPeriod period, CancellationToken cancellationToken)
        {
            var run = await db.BillingRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Period == period.Start, cancellationToken);
            if (run is null)
            {
                return null;
            }

            var connection = await db.AccountingConnections.AsNoTracking().Select(c => new { c.Kind }).SingleOrDefaultAsync(cancellationToken);
            var invoices = await db.Invoices.AsNoTracking().Where(i => i.RunId == run.Id).Select(i => new { i.Id, i.Status }).ToListAsync(cancellationToken);
            var all = await db.InvoicePostings.AsNoTracking().Where(p => p.RunId == run.Id)
                .Select(p => new PostingRow(p.Id, p.InvoiceId, p.CorrectionId, p.ClientId, p.ClientName, p.Number, p.DocumentKind, p.Total, p.State, p.Attempts,
                    p.DocumentVersion, p.ExternalId, p.ExternalNumber, p.Error, p.QueuedUtc, p.FinishedUtc, p.NextAttemptUtc))
                .ToListAsync(cancellationToken);
            List<PostingRow> rows = [.. all.GroupBy(p => (p.InvoiceId, p.CorrectionId)).Select(g => g.MaxBy(p => p.DocumentVersion)!)
                .OrderBy(p => p.CorrectionId is not null).ThenBy(p => p.ClientName, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.QueuedUtc)];
            var withDocument = rows.Where(r => r.CorrectionId is null && r.State != PostingState.Failed).Select(r => r.InvoiceId).ToHashSet();
            var corrections = await db.Corrections.AsNoTracking().Where(c => c.RunId == run.Id).OrderBy(c => c.CreatedUtc)
                .Select(c => new CorrectionInfo(c.Id, c.InvoiceId, c.ClientName, c.Kind, c.Total, c.Reason, c.CreatedBy, c.CreatedUtc)).ToListAsync(cancellationToken);
            return new PostingStatus(
                period,
                run.Status,
                connection?.Kind,
                connection is null ? null : AccountingEndpoints.DisplayName(connection.Kind),
                invoices.Count,
                invoices.Count(i => i.Status == InvoiceStatus.Draft),
                invoices.Count(i => i.Status == InvoiceStatus.Approved && !withDocument.Contains(i.Id)),
                rows.Count(r => r.State == PostingState.Pending),
                rows.Count(r => r.State == PostingState.Posting),
                rows.Count(r => r.State == PostingState.Posted),
                rows.Count(r => r.State == PostingState.Failed),
                rows.Count(r => r.State == PostingState.Uncertain),
                rows.Where(r => r.State == PostingState.Posted).Sum(r => r.DocumentKind == DocumentKind.CreditMemo && r.CorrectionId is not null ? -r.Total : r.Total),
                run.Status == RunStatus.Posted ? run.PostedUtc : null,
                rows,
                await ExportsAsync(db, run.Id, cancellationToken),
                corrections);
        }

        private static async Task<List<IifExportInfo>> ExportsAsync(AppDbContext db, Guid runId, CancellationToken cancellationToken) =>
            await db.IifExports.AsNoTracking().Where(e => e.RunId == runId).OrderBy(e => e.ExportedUtc)
                .Select(e => new IifExportInfo(e.Id, e.FileName, e.Documents, e.Total, e.ExportedBy, e.ExportedUtc, e.Repeat)).ToListAsync(cancellationToken);

        public async Task<int> CheckNowAsync(AppDbContext db, BillingPeriod period, CancellationToken cancellationToken)
        {
            var count = await db.InvoicePostings.Where(p => p.Period == period.Start && p.State == PostingState.Uncertain)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.NextAttemptUtc, (DateTime?)null), cancellationToken);
            signal.Wake();
            return count;
        }

        public async Task ReopenAsync(AppDbContext db, BillingPeriod period, string reason, CancellationToken cancellationToken)
        {
            RequireReason(reason);
            using (await locks.AcquireAsync(db.CurrentTenantId!.Value, cancellationToken))
            {
                var run = await db.BillingRuns.SingleOrDefaultAsync(r => r.Period == period.Start, cancellationToken)
                    ?? throw new NotFoundException("Billing run", period.ToString());
                if (run.Status != RunStatus.Posted)
                {
                    throw new ConflictException($"{period.Display} is not locked.");
                }

                run.Status = RunStatus.Reopened;
                run.Version++;
                audit.Record(db, "billing.reopened", nameof(BillingRun), run.Id, new { Status = "Posted" }, new { Status = "Reopened" }, reason);
                await db.SaveChangesAsync(cancellationToken);
                events.Publish(new BillingChange(run.TenantId, period.Start, run.Version, [], "reopened"));
            }
        }

        public async Task LockAgainAsync(AppDbContext db, BillingPeriod period, string? reason, CancellationToken cancellationToken)
        {
            using (await locks.AcquireAsync(db.CurrentTenantId!.Value, cancellationToken))
            {
                var run = await db.BillingRuns.SingleOrDefaultAsync(r => r.Period == period.Start, cancellationToken)
                    ?? throw new NotFoundException("Billing run", period.ToString());
                if (run.Status != RunStatus.Reopened)
                {
                    throw new ConflictException($"{period.Display} is not reopened.");
                }

                if (await db.InvoicePostings.AnyAsync(p => p.RunId == run.Id && (p.State == PostingState.Pending || p.State == PostingState.Posting || p.State == PostingState.Uncertain), cancellationToken))
                {
                    throw new ConflictException("Corrections are still being posted; lock the month once they are done.");
                }

                var corrections = await db.InvoicePostings.AsNoTracking().Where(p => p.RunId == run.Id && p.CorrectionId != null)
                    .Select(p => new { p.CorrectionId, p.DocumentVersion, p.State }).ToListAsync(cancellationToken);
                if (corrections.GroupBy(p => p.CorrectionId).Any(g => g.MaxBy(p => p.DocumentVersion)!.State == PostingState.Failed))
                {
                    throw new ConflictException("A correction was refused by the accounting system: retry it (Retry failed) before locking the month again.");
                }

                run.Status = RunStatus.Posted;
                run.Version++;
                audit.Record(db, "billing.locked", nameof(BillingRun), run.Id, new { Status = "Reopened" }, new { Status = "Posted" }, reason);
                await db.SaveChangesAsync(cancellationToken);
                events.Publish(new BillingChange(run.TenantId, period.Start, run.Version, [], "locked"));
            }
        }

        public async Task<CorrectionInfo> AddCorrectionAsync(AppDbContext db, BillingPeriod period, CorrectionRequest request, CancellationToken cancellationToken)
        {
            ValidateCorrection(request);
            CorrectionInfo info;
            using (await locks.AcquireAsync(db.CurrentTenantId!.Value, cancellationToken))
            {
                var run = await db.BillingRuns.SingleOrDefaultAsync(r => r.Period == period.Start, cancellationToken)
                    ?? throw new NotFoundException("Billing run", period.ToString());
                if (run.Status != RunStatus.Reopened)
                {
                    throw new ConflictException(run.Status == RunStatus.Posted
                        ? $"{period.Display} is locked: an Owner reopens it for corrections first."
                        : $"{period.Display} is still open: change the invoice itself instead of correcting it.");
                }

                var original = await db.Invoices.AsNoTracking().SingleOrDefaultAsync(i => i.Id == request.InvoiceId && i.RunId == run.Id, cancellationToken)
                    ?? throw new NotFoundException("Invoice", request.InvoiceId);
                if (original.Status != InvoiceStatus.Posted || original.Number is null)
                {
                    throw new ConflictException($"{original.ClientName}'s invoice was not posted; only posted invoices are corrected.");
                }

                var connection = await db.AccountingConnections.AsNoTracking().SingleOrDefaultAsync(cancellationToken)
                    ?? throw new ConflictException("No accounting system is connected: set one up in Settings → Accounting.");
                if (connection.Kind == AccountingKind.Iif)
                {
                    throw new ConflictException("Corrections are posted through an API target; with IIF, enter the credit memo in QuickBooks and record it here as a credit in the next month.");
                }

                var itemIds = request.Lines.Where(l => l.ItemId is not null).Select(l => l.ItemId!.Value).Distinct().ToList();
                if (itemIds.Count > 0 && await db.CatalogItems.CountAsync(i => itemIds.Contains(i.Id), cancellationToken) != itemIds.Count)
                {
                    throw ValidationFailedException.For("lines", "A line names a catalog item that does not exist.");
                }

                var mappings = await PostingMappings.LoadAsync(db, connection, [original.ClientId], cancellationToken);
                var blockers = mappings.Blockers(original.ClientId, request.Lines.Select(l => (l.ItemId, l.Description)));
                if (blockers.Count > 0)
                {
                    throw new ConflictException(string.Join(" ", blockers));
                }

                var now = time.GetUtcNow().UtcDateTime;
                var lines = request.Lines.Select(l => new CorrectionLine(l.ItemId, l.Description.Trim(), l.Quantity, l.UnitPrice, Money.RoundCents(l.Quantity * l.UnitPrice))).ToList();
                var correction = new Correction
                {
                    RunId = run.Id,
                    InvoiceId = original.Id,
                    ClientId = original.ClientId,
                    ClientName = original.ClientName,
                    Kind = request.Kind,
                    Lines = lines,
                    Total = lines.Sum(l => l.Amount),
                    Reason = request.Reason.Trim(),
                    CreatedBy = db.Actor ?? "system",
                    CreatedUtc = now,
                };
                db.Corrections.Add(correction);
                var settings = await BillingSettingsStore.GetOrCreateAsync(db, cancellationToken);
                var number = PostingDocuments.NextNumber(settings);
                var key = PostingKeys.ForCorrection(run.TenantId, period, original.ClientId, correction.Id, 1);
                var date = DateOnly.FromDateTime(now);
                var document = PostingDocuments.ForCorrection(correction, original, period, key, number, mappings, settings.Currency, date);
                db.InvoicePostings.Add(new InvoicePosting
                {
                    RunId = run.Id,
                    Period = period.Start,
                    ClientId = original.ClientId,
                    ClientName = original.ClientName,
                    InvoiceId = original.Id,
                    CorrectionId = correction.Id,
                    DocumentVersion = 1,
                    IdempotencyKey = key,
                    ExternalGuid = document.ExternalGuid,
                    Target = connection.Kind,
                    DocumentKind = document.Kind,
                    Number = number,
                    Total = correction.Total,
                    Document = document,
                    State = PostingState.Pending,
                    QueuedBy = db.Actor ?? "system",
                    QueuedUtc = now,
                });
                run.Version++;
                audit.Record(db, "billing.correction", nameof(Invoice), original.Id, null,
                    new { Correction = correction.Id, Kind = correction.Kind.ToString(), Number = number, Original = original.Number, correction.Total, Lines = lines.Count }, correction.Reason);
                await db.SaveChangesAsync(cancellationToken);
                info = new CorrectionInfo(correction.Id, original.Id, original.ClientName, correction.Kind, correction.Total, correction.Reason, correction.CreatedBy, now);
                events.Publish(new BillingChange(run.TenantId, period.Start, run.Version, [original.ClientId], "correction"));
            }

            signal.Wake();
            return info;
        }

        public async Task<IifExport?> ExportFileAsync(AppDbContext db, BillingPeriod period, Guid exportId, CancellationToken cancellationToken)
        {
            var export = await db.IifExports.AsNoTracking().SingleOrDefaultAsync(e => e.Id == exportId && e.Period == period.Start, cancellationToken);
            if (export is not null)
            {
                audit.Record(db, "accounting.iif.downloaded", nameof(IifExport), export.Id, null, new { export.FileName, export.Documents, export.Total }, null);
                await db.SaveChangesAsync(cancellationToken);
            }

            return export;
        }

        /// <summary>Locks the month when every invoice of it is posted and nothing is still on its way.</summary>
        internal async Task LockIfCompleteAsync(AppDbContext db, BillingRun run, DateTime now, CancellationToken cancellationToken)
        {
            if (run.Status != RunStatus.Open)
            {
                return;
            }

            // One query, not the month's invoices: this runs after every posted document (reading them all made posting a month quadratic).
            var tracked = db.ChangeTracker.Entries<Invoice>().Where(e => e.Entity.RunId == run.Id).Select(e => e.Entity).ToList();
            if (tracked.Any(i => i.Status != InvoiceStatus.Posted))
            {
                return;
            }

            var postedHere = tracked.Select(i => i.Id).ToList();
            if (await db.Invoices.AnyAsync(i => i.RunId == run.Id && i.Status != InvoiceStatus.Posted && !postedHere.Contains(i.Id), cancellationToken)
                || !await db.Invoices.AnyAsync(i => i.RunId == run.Id, cancellationToken))
            {
                return;
            }

            var invoices = await db.Invoices.CountAsync(i => i.RunId == run.Id, cancellationToken);

            run.Status = RunStatus.Posted;
            run.PostedUtc ??= now;
            audit.Record(db, "billing.locked", nameof(BillingRun), run.Id, new { Status = "Open" }, new { Status = "Posted", Invoices = invoices }, "Every invoice of the month is posted.");
            logger.LogInformation("Billing run {Period} of tenant {TenantId} locked: {Invoices} invoices posted", BillingPeriod.Of(run.Period), run.TenantId, invoices);
        }

        /// <summary>Records a document the target holds (posted now, or found by read-back) and locks the month when it was the last.</summary>
        internal async Task MarkPostedAsync(AppDbContext db, InvoicePosting posting, PostedDocument posted, bool foundByReadBack, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var run = await db.BillingRuns.SingleAsync(r => r.Id == posting.RunId, cancellationToken);
            posting.State = PostingState.Posted;
            posting.ExternalId = posted.ExternalId;
            posting.ExternalNumber = posted.ExternalNumber;
            posting.Error = null;
            posting.NextAttemptUtc = null;
            posting.FinishedUtc = now;
            if (posting.CorrectionId is null)
            {
                var invoice = await db.Invoices.SingleAsync(i => i.Id == posting.InvoiceId, cancellationToken);
                invoice.Status = InvoiceStatus.Posted;
                invoice.PostedUtc = now;
                await BillChargesAsync(db, invoice, cancellationToken);
            }

            run.Version++;
            audit.Record(db, "accounting.posted", nameof(InvoicePosting), posting.Id, null,
                new { posting.Number, posting.ExternalId, posting.ExternalNumber, posting.Total, Target = posting.Target.ToString(), posting.IdempotencyKey, FoundByReadBack = foundByReadBack }, null);
            await LockIfCompleteAsync(db, run, now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            events.Publish(new BillingChange(run.TenantId, run.Period, run.Version, [posting.ClientId], "posted"));
        }

        /// <summary>Records a failure or an uncertain outcome (and bumps the run's version so pages show it).</summary>
        internal async Task MarkAsync(AppDbContext db, InvoicePosting posting, PostingState state, string error, TimeSpan? retryIn, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var run = await db.BillingRuns.SingleAsync(r => r.Id == posting.RunId, cancellationToken);
            posting.State = state;
            posting.Error = error.Length > AccountingConnection.ErrorMaxLength ? error[..AccountingConnection.ErrorMaxLength] : error;
            posting.NextAttemptUtc = retryIn is { } delay ? now + delay : null;
            if (state == PostingState.Failed)
            {
                posting.FinishedUtc = now;
                audit.Record(db, "accounting.post-failed", nameof(InvoicePosting), posting.Id, null, new { posting.Number, posting.Total, Error = posting.Error }, null);
            }

            run.Version++;
            await db.SaveChangesAsync(cancellationToken);
            events.Publish(new BillingChange(run.TenantId, run.Period, run.Version, [posting.ClientId], PostingStates.Name(state)));
        }

        private static void RequireReason(string? reason)
        {
            if (string.IsNullOrWhiteSpace(reason))
            {
                throw ValidationFailedException.For("reason", "Say why (it is kept in the audit log).");
            }

            if (reason.Length > Correction.ReasonMaxLength)
            {
                throw ValidationFailedException.For("reason", $"The reason is at most {Correction.ReasonMaxLength} characters.");
            }
        }

        private static void ValidateCorrection(CorrectionRequest request)
        {
            var v = new Validator().Require("reason", request.Reason, Correction.ReasonMaxLength, "Reason");
            if (request.Lines is null || request.Lines.Count == 0)
            {
                v.Add("lines", "Add at least one line.");
            }
            else
            {
                for (var i = 0; i < request.Lines.Count; i++)
                {
                    var line = request.Lines[i];
                    v.Require($"lines[{i}].description", line.Description, OneOffCharge.DescriptionMaxLength, "Description");
                    if (line.Quantity <= 0 || line.Quantity > Money.MaxQuantity)
                    {
                        v.Add($"lines[{i}].quantity", "The quantity must be above 0.");
                    }

                    if (line.UnitPrice <= 0 || line.UnitPrice > Money.MaxAmount)
                    {
                        v.Add($"lines[{i}].unitPrice", "The unit price must be above 0 (a credit memo gives the amount back; no negative prices).");
                    }
                }
            }

            v.ThrowIfInvalid();
        }
    }
}
