using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Persistence;
using CommandCenter.VendorSync;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Billing;

/// <summary>A change to a run that open review pages must show: which clients' invoices moved and why.</summary>
public sealed record BillingChange(Guid TenantId, DateOnly Period, long Version, IReadOnlyCollection<Guid> ClientIds, string Why);

/// <summary>In-process notifications of run changes (pages subscribe and filter by their own tenant).</summary>
public sealed class BillingEvents
{
    public event Action<BillingChange>? Changed;

    public void Publish(BillingChange change) => Changed?.Invoke(change);
}

/// <summary>One writer per tenant's runs at a time (keyed by tenant id): refreshes, landed syncs, adjustments and approvals never interleave.</summary>
public sealed class BillingLocks : KeyedLocks;

public sealed record RunTotals(decimal Total, decimal? PreviousTotal, int Invoices, int Changed, int Flagged, int OpenFlags, int Approved, int CreditMemos)
{
    public decimal? Change => PreviousTotal is { } p ? Total - p : null;
}

/// <summary>A run as the review page and the API read it.</summary>
public sealed record RunView(Guid RunId, BillingPeriod Period, RunStatus Status, long Version, DateTime RefreshedUtc, RunTotals Totals, IReadOnlyList<Invoice> Invoices);

public sealed record RunProgress(BillingPeriod Period, RunStatus Status, int Invoices, int Approved, int OpenFlags, int HeldInvoices, decimal Total);

public sealed record ApproveResult(int Approved, IReadOnlyList<ApproveSkip> Skipped);

public sealed record ApproveSkip(Guid InvoiceId, Guid ClientId, string ClientName, string Reason);

/// <summary>
/// The billing run of a month: created when first opened, refreshed against the newest snapshots, adjusted by hand
/// (with a reason, audited, surviving refreshes), approved per invoice or all. Every recompute goes through the one
/// engine (<see cref="BillingEngine"/>).
/// </summary>
public static class BillingRuns
{
    /// <param name="LineKey">The adjusted line; null with <paramref name="AddItemId"/> adds a line.</param>
    /// <param name="Decision">accept | override | exclude, for a flagged line.</param>
    /// <param name="Clear">Drops the line's adjustment: it bills as computed again.</param>
    public sealed record AdjustRequest(string? LineKey, string Reason, decimal? Quantity = null, decimal? UnitPrice = null, bool Remove = false, string? Decision = null, Guid? AddItemId = null, string? Description = null, bool Clear = false);

    /// <param name="refreshes">Coalesces refreshes of a month (a singleton in the app; tests may leave it out).</param>
    /// <param name="scopes">Where a coalesced refresh gets its own engine, so it outlives the circuit or request that started it.</param>
    public sealed class Handler(TenantDb tenantDb, Engine engine, BillingRefreshes? refreshes = null, IServiceScopeFactory? scopes = null)
    {
        private readonly BillingRefreshes _refreshes = refreshes ?? new BillingRefreshes();

        public async Task<RunView> OpenAsync(BillingPeriod period, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            return await engine.OpenAsync(db, period, cancellationToken);
        }

        /// <summary>The run if it exists (never creates one): for reads that must not change anything.</summary>
        public async Task<RunView?> FindAsync(BillingPeriod period, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            return await engine.ViewAsync(db, period, cancellationToken);
        }

        /// <summary>The month's state in numbers (read from the invoices' columns, not their lines): for the month-end checklist.</summary>
        public async Task<RunProgress?> ProgressAsync(BillingPeriod period, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var run = await db.BillingRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Period == period.Start, cancellationToken);
            if (run is null || !run.Computed)
            {
                return null;
            }

            var rows = await db.Invoices.AsNoTracking().Where(i => i.RunId == run.Id).Select(i => new { i.Status, i.OpenFlags, i.Total }).ToListAsync(cancellationToken);
            return new RunProgress(period, run.Status, rows.Count, rows.Count(r => r.Status != InvoiceStatus.Draft), rows.Sum(r => r.OpenFlags),
                rows.Count(r => r.OpenFlags > 0), rows.Sum(r => r.Total));
        }

        /// <summary>
        /// Re-binds the month to the newest snapshots (after syncing every connection when <paramref name="syncFirst"/>).
        /// Coalesced (<see cref="BillingRefreshes"/>): with <paramref name="joinRunning"/> (the review page's button) a
        /// refresh of the month already under way is joined; otherwise the result is read after this call was made.
        /// </summary>
        public async Task<RunView> RefreshAsync(BillingPeriod period, bool syncFirst, CancellationToken cancellationToken = default, bool joinRunning = false)
        {
            var scope = await tenantDb.ScopeAsync(cancellationToken);
            return await _refreshes.RefreshAsync(scope.TenantId, period, syncFirst, joinRunning, async () =>
            {
                // Runs once for everyone who joins: no caller's cancellation, and an engine of its own when the app
                // provides one, because the circuit or request that started it may end first.
                using var owned = scopes?.CreateScope();
                var runner = owned?.ServiceProvider.GetRequiredService<Engine>() ?? engine;
                if (syncFirst)
                {
                    await runner.SyncAllAsync(scope.TenantId, CancellationToken.None);
                }

                await using var db = runner.Open(scope.TenantId, scope.Actor);
                var view = await runner.RefreshAsync(db, period, null, "refresh", CancellationToken.None);
                await Engine.MarkWorkStartedAsync(db, period, CancellationToken.None);
                return view;
            }, cancellationToken);
        }

        public async Task<Invoice> AdjustAsync(BillingPeriod period, Guid invoiceId, AdjustRequest request, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            return await engine.AdjustAsync(db, period, invoiceId, request, cancellationToken);
        }

        public async Task<ApproveResult> ApproveAsync(BillingPeriod period, IReadOnlyCollection<Guid>? invoiceIds, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            return await engine.ApproveAsync(db, period, invoiceIds, cancellationToken);
        }

        public async Task UnapproveAsync(BillingPeriod period, Guid invoiceId, string? reason, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            await engine.UnapproveAsync(db, period, invoiceId, reason, cancellationToken);
        }
    }

    /// <summary>The run operations on a given context: shared by the page/API handler and the background live updater.</summary>
    public sealed class Engine(
        BillingEvents events,
        BillingLocks locks,
        AuditWriter audit,
        TimeProvider time,
        SyncConnection.Handler sync,
        IDbContextFactory<AppDbContext> factory,
        ILogger<Engine> logger,
        RunViews? views = null)
    {
        /// <summary>The shared read model of the runs (a singleton in the app; tests may leave it out and get one per engine).</summary>
        public RunViews Views { get; } = views ?? new RunViews(factory);

        /// <summary>A context of the tenant for work that is not tied to a caller's (a coalesced refresh).</summary>
        public AppDbContext Open(Guid tenantId, string actor) => factory.CreateDbContext().ForTenant(tenantId, actor);

        public async Task<RunView> OpenAsync(AppDbContext db, BillingPeriod period, CancellationToken cancellationToken)
        {
            if (await ViewAsync(db, period, cancellationToken) is { } existing)
            {
                return existing;
            }

            using (await locks.AcquireAsync(db.CurrentTenantId!.Value, cancellationToken))
            {
                if (!await db.BillingRuns.AnyAsync(r => r.Period == period.Start, cancellationToken))
                {
                    var now = time.GetUtcNow().UtcDateTime;
                    db.BillingRuns.Add(new BillingRun { Period = period.Start, CreatedUtc = now, RefreshedUtc = now });
                    await db.SaveChangesAsync(cancellationToken);
                    if (await RecomputeLockedAsync(db, period, null, "created", refreshed: true, cancellationToken) is { } created)
                    {
                        return created;
                    }
                }
            }

            return (await ViewAsync(db, period, cancellationToken))!;
        }

        public async Task<RunView> RefreshAsync(AppDbContext db, BillingPeriod period, IReadOnlyCollection<Guid>? clients, string why, CancellationToken cancellationToken)
        {
            // Only the run's status matters here: OpenAsync of an existing run reads every invoice, which doubled the reads of
            // a refresh. A run that does not exist yet is created and computed first, as before.
            var status = await db.BillingRuns.AsNoTracking().Where(r => r.Period == period.Start).Select(r => (RunStatus?)r.Status).SingleOrDefaultAsync(cancellationToken)
                ?? (await OpenAsync(db, period, cancellationToken)).Status;
            if (status != RunStatus.Open)
            {
                throw new ConflictException($"{period.Display} is posted and locked; its invoices no longer change.");
            }

            using (await locks.AcquireAsync(db.CurrentTenantId!.Value, cancellationToken))
            {
                if (await RecomputeLockedAsync(db, period, clients, why, refreshed: clients is null, cancellationToken) is { } view)
                {
                    return view;
                }
            }

            return (await ViewAsync(db, period, cancellationToken))!;
        }

        /// <summary>
        /// Rebuilds the drafts of some clients of an open run (a landed sync, a new charge) without reading the run back:
        /// callers that only need the change published (open pages reload what they show) skip reading 5,000 invoices.
        /// </summary>
        public async Task RecomputeClientsAsync(AppDbContext db, BillingPeriod period, IReadOnlyCollection<Guid> clients, string why, CancellationToken cancellationToken)
        {
            using (await locks.AcquireAsync(db.CurrentTenantId!.Value, cancellationToken))
            {
                await RecomputeLockedAsync(db, period, clients, why, refreshed: false, cancellationToken);
            }
        }

        /// <summary>Syncs every enabled connection of the tenant (in parallel, each under its own lock) before a refresh.</summary>
        public async Task SyncAllAsync(Guid tenantId, CancellationToken cancellationToken)
        {
            List<Guid> ids;
            await using (var db = factory.CreateDbContext().ForTenant(tenantId, "refresh"))
            {
                ids = await db.VendorConnections.AsNoTracking().Where(c => c.Enabled).Select(c => c.Id).ToListAsync(cancellationToken);
            }

            // A failing vendor never blocks the others; its failure flags its lines at the refresh.
            await Task.WhenAll(ids.Select(id => sync.RunAsync(tenantId, id, "refresh", cancellationToken)));
        }

        public async Task<Invoice> AdjustAsync(AppDbContext db, BillingPeriod period, Guid invoiceId, AdjustRequest request, CancellationToken cancellationToken)
        {
            Validate(request);
            using var held = await locks.AcquireAsync(db.CurrentTenantId!.Value, cancellationToken);
            var run = await db.BillingRuns.SingleOrDefaultAsync(r => r.Period == period.Start, cancellationToken)
                ?? throw new NotFoundException("Billing run", period.ToString());
            var invoice = await db.Invoices.SingleOrDefaultAsync(i => i.Id == invoiceId && i.RunId == run.Id, cancellationToken)
                ?? throw new NotFoundException("Invoice", invoiceId);
            if (invoice.Status != InvoiceStatus.Draft)
            {
                throw new ConflictException(invoice.Status == InvoiceStatus.Approved
                    ? $"{invoice.ClientName}'s invoice is approved; un-approve it before changing a line."
                    : $"{invoice.ClientName}'s invoice is posted and locked.");
            }

            string key;
            InvoiceLine? adjustedLine = null;
            if (request.LineKey is null)
            {
                if (!await db.CatalogItems.AnyAsync(i => i.Id == request.AddItemId, cancellationToken))
                {
                    throw ValidationFailedException.For("itemId", "That catalog item does not exist.");
                }

                key = BillingEngine.Keys.Added(Guid.CreateVersion7());
            }
            else
            {
                key = request.LineKey;
                var line = invoice.Lines.FirstOrDefault(l => l.Key == key) ?? throw new NotFoundException("Line", key);
                adjustedLine = line;
                if (line.Change == ChangeKinds.Removed)
                {
                    throw ValidationFailedException.For("lineKey", "That line was billed last month and is not billed now; add a line instead.");
                }

                if (request.Decision is not null && line.Flags.Count == 0)
                {
                    throw ValidationFailedException.For("decision", "Only a flagged line takes a decision; use a quantity or price change instead.");
                }
            }

            var existing = await db.LineAdjustments.SingleOrDefaultAsync(a => a.RunId == run.Id && a.ClientId == invoice.ClientId && a.LineKey == key, cancellationToken);
            // An override records what the line billed before it (the audit's "before") for each field it changes, also
            // when an earlier override of the same line set other fields only.
            var before = existing is null && adjustedLine is null ? null : new
            {
                LineKey = key,
                Quantity = existing?.Quantity ?? (request.Quantity is not null && adjustedLine is not null ? adjustedLine.Quantity : null),
                UnitPrice = existing?.UnitPrice ?? (request.UnitPrice is not null && adjustedLine is not null ? adjustedLine.UnitPrice : null),
                Removed = existing?.Removed ?? false,
                existing?.Decision,
                existing?.AddedItemId,
                existing?.AddedDescription,
            };
            var now = time.GetUtcNow().UtcDateTime;
            run.WorkStartedUtc ??= now;
            if (request.Clear)
            {
                if (existing is null)
                {
                    return invoice;
                }

                db.LineAdjustments.Remove(existing);
                audit.Record(db, "billing.adjustment-cleared", nameof(Invoice), invoice.Id, before, null, request.Reason);
            }
            else
            {
                var adjustment = existing ?? new LineAdjustment { RunId = run.Id, ClientId = invoice.ClientId, LineKey = key, Reason = request.Reason };
                if (existing is null)
                {
                    db.LineAdjustments.Add(adjustment);
                }

                adjustment.Quantity = request.Quantity ?? adjustment.Quantity;
                adjustment.UnitPrice = request.UnitPrice ?? adjustment.UnitPrice;
                adjustment.Removed = request.Remove || (request.Decision is null && adjustment.Removed && request.Quantity is null && request.UnitPrice is null);
                adjustment.Decision = request.Decision ?? adjustment.Decision;
                if (request.Decision == Decisions.Override)
                {
                    adjustment.Removed = false;
                }
                else if (request.Decision == Decisions.Accept)
                {
                    adjustment.Quantity = request.Quantity;
                    adjustment.Removed = false;
                }

                adjustment.AddedItemId ??= request.AddItemId;
                adjustment.AddedDescription = request.Description ?? adjustment.AddedDescription;
                adjustment.Reason = request.Reason.Trim();
                adjustment.UpdatedUtc = now;
                adjustment.UpdatedBy = db.Actor;
                audit.Record(db, request.LineKey is null ? "billing.line-added" : request.Decision is not null ? "billing.flag-decided" : "billing.line-adjusted",
                    nameof(Invoice), invoice.Id, before, Describe(adjustment), request.Reason);
            }

            await db.SaveChangesAsync(cancellationToken);
            await RecomputeLockedAsync(db, period, [invoice.ClientId], "adjusted", refreshed: false, cancellationToken);
            return await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == invoiceId, cancellationToken);
        }

        public async Task<ApproveResult> ApproveAsync(AppDbContext db, BillingPeriod period, IReadOnlyCollection<Guid>? invoiceIds, CancellationToken cancellationToken)
        {
            using var held = await locks.AcquireAsync(db.CurrentTenantId!.Value, cancellationToken);
            var run = await db.BillingRuns.SingleOrDefaultAsync(r => r.Period == period.Start, cancellationToken)
                ?? throw new NotFoundException("Billing run", period.ToString());
            var query = db.Invoices.Where(i => i.RunId == run.Id && i.Status == InvoiceStatus.Draft);
            if (invoiceIds is not null)
            {
                var ids = invoiceIds.ToList();
                var known = await db.Invoices.Where(i => i.RunId == run.Id && ids.Contains(i.Id)).CountAsync(cancellationToken);
                if (known != ids.Distinct().Count())
                {
                    throw ValidationFailedException.For("invoiceIds", "One or more invoices are not part of this month's run.");
                }

                query = query.Where(i => ids.Contains(i.Id));
            }

            var invoices = await query.ToListAsync(cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            var skipped = new List<ApproveSkip>();
            var approved = new List<Guid>();
            foreach (var invoice in invoices.OrderBy(i => i.ClientName, StringComparer.OrdinalIgnoreCase))
            {
                if (invoice.OpenFlags > 0)
                {
                    skipped.Add(new ApproveSkip(invoice.Id, invoice.ClientId, invoice.ClientName,
                        $"{invoice.OpenFlags} flagged line{(invoice.OpenFlags == 1 ? "" : "s")} to decide (accept, override or exclude)"));
                    continue;
                }

                invoice.Status = InvoiceStatus.Approved;
                invoice.ApprovedUtc = now;
                invoice.ApprovedBy = db.Actor;
                approved.Add(invoice.ClientId);
            }

            if (approved.Count > 0)
            {
                run.WorkStartedUtc ??= now;
                audit.Record(db, "billing.approved", nameof(BillingRun), run.Id, null, new { Period = period.ToString(), Invoices = approved.Count }, null);
                run.Version++;
                await db.SaveChangesAsync(cancellationToken);
                events.Publish(new BillingChange(run.TenantId, period.Start, run.Version, approved, "approved"));
            }

            return new ApproveResult(approved.Count, skipped);
        }

        public async Task UnapproveAsync(AppDbContext db, BillingPeriod period, Guid invoiceId, string? reason, CancellationToken cancellationToken)
        {
            using (await locks.AcquireAsync(db.CurrentTenantId!.Value, cancellationToken))
            {
                var run = await db.BillingRuns.SingleOrDefaultAsync(r => r.Period == period.Start, cancellationToken)
                    ?? throw new NotFoundException("Billing run", period.ToString());
                var invoice = await db.Invoices.SingleOrDefaultAsync(i => i.Id == invoiceId && i.RunId == run.Id, cancellationToken)
                    ?? throw new NotFoundException("Invoice", invoiceId);
                if (invoice.Status != InvoiceStatus.Approved)
                {
                    throw new ConflictException($"{invoice.ClientName}'s invoice is not approved.");
                }

                // Queued, on its way or posted: the document sent is the approved one; only a failed posting may be un-approved.
                if (await db.InvoicePostings.AnyAsync(p => p.InvoiceId == invoice.Id && p.CorrectionId == null && p.State != Accounting.PostingState.Failed, cancellationToken))
                {
                    throw new ConflictException($"{invoice.ClientName}'s invoice is being posted; it can no longer be un-approved.");
                }

                invoice.Status = InvoiceStatus.Draft;
                invoice.ApprovedUtc = null;
                invoice.ApprovedBy = null;
                audit.Record(db, "billing.unapproved", nameof(Invoice), invoice.Id, new { Status = "Approved" }, new { Status = "Draft" }, reason);
                // The status change is itself a change open pages must see, even when the counts did not move.
                run.Version++;
                await db.SaveChangesAsync(cancellationToken);
                // Un-approving takes the newest counts, exactly as a refresh would.
                await RecomputeLockedAsync(db, period, [invoice.ClientId], "unapproved", refreshed: false, cancellationToken);
                events.Publish(new BillingChange(run.TenantId, period.Start, run.Version, [invoice.ClientId], "unapproved"));
            }
        }

        /// <summary>
        /// Rebuilds the invoices of the given clients (all when null) from the newest snapshots and writes them in one
        /// transaction. Drafts take the new result; approved invoices keep theirs and say "newer counts available";
        /// posted invoices never change. A full rebuild holds every invoice of the run once written, and returns the run's
        /// view made of them (what <see cref="ViewAsync"/> would read back: 5,000 invoices' lines deserialized again);
        /// a partial one returns null.
        /// </summary>
        private async Task<RunView?> RecomputeLockedAsync(AppDbContext db, BillingPeriod period, IReadOnlyCollection<Guid>? clients, string why, bool refreshed, CancellationToken cancellationToken)
        {
            var started = time.GetTimestamp();
            var run = await db.BillingRuns.SingleAsync(r => r.Period == period.Start, cancellationToken);
            if (run.Status != RunStatus.Open)
            {
                return null;
            }

            var (drafts, now) = await DraftAsync(db, period, run.Id, clients, cancellationToken);

            // What the drafts are compared with: the shared view when it is exactly this version of the run (no read, no
            // JSON to parse), else the invoices loaded here. Shared invoices are never changed: the few that must be
            // written are then read, tracked, by client.
            var shared = Views.Current(run.TenantId, period, run.Id, run.Version);
            Dictionary<Guid, Invoice> existing;
            if (shared is not null)
            {
                var only = clients?.ToHashSet();
                existing = shared.Invoices.Where(i => only is null || only.Contains(i.ClientId)).ToDictionary(i => i.ClientId);
            }
            else
            {
                var existingQuery = db.Invoices.Where(i => i.RunId == run.Id);
                if (clients is not null)
                {
                    var ids = clients.ToList();
                    existingQuery = existingQuery.Where(i => ids.Contains(i.ClientId));
                }

                existing = await existingQuery.ToDictionaryAsync(i => i.ClientId, cancellationToken);
            }

            // Every invoice of the run after the rebuild (full rebuilds only): the existing ones, less the removed, plus the new.
            var invoices = clients is null ? new HashSet<Invoice>(existing.Values) : null;
            var added = new List<DraftInvoice>();
            var updated = new List<(DraftInvoice Draft, Invoice Current)>();
            var newer = new List<(Invoice Current, bool Newer)>();
            foreach (var draft in drafts)
            {
                if (!existing.Remove(draft.ClientId, out var invoice))
                {
                    added.Add(draft);
                    continue;
                }

                // Dates count too: new payment terms move only the due date.
                var same = invoice.Total == draft.Total && invoice.DueDate == draft.DueDate && invoice.InvoiceDate == draft.InvoiceDate && invoice.ClientName == draft.ClientName
                    && invoice.Lines.Count == draft.Lines.Count
                    && invoice.Lines.Zip(draft.Lines).All(p => Same(p.First, p.Second)) && invoice.Warnings.SequenceEqual(draft.Warnings);
                switch (invoice.Status)
                {
                    case InvoiceStatus.Draft when !same:
                        updated.Add((draft, invoice));
                        break;
                    // Only a change in what the invoice bills is news: each sync takes new snapshots, so the provenance
                    // (snapshot time, evidence) of an unchanged count differs on every sync.
                    case InvoiceStatus.Approved when !SameBilling(invoice, draft) != invoice.NewerCountsAvailable:
                        newer.Add((invoice, !SameBilling(invoice, draft)));
                        break;
                }
            }

            // Clients that no longer bill (deactivated, deleted) lose their draft; approved and posted invoices stay.
            var gone = existing.Values.Where(i => i.Status == InvoiceStatus.Draft).ToList();
            var tracked = shared is null ? null : await TrackedAsync(db, run.Id,
                [.. updated.Select(u => u.Current.ClientId), .. newer.Select(n => n.Current.ClientId), .. gone.Select(g => g.ClientId)], cancellationToken);
            Invoice Writable(Invoice current)
            {
                if (tracked is null)
                {
                    return current;
                }

                var entity = tracked[current.ClientId];
                invoices?.Remove(current);
                invoices?.Add(entity);
                return entity;
            }

            var changed = new List<Guid>();
            // What a partial rebuild hands to the shared view: the new state of the changed clients' invoices.
            var written = new List<Invoice>();
            var removed = new List<Guid>();
            var fromVersion = run.Version;
            await using IDbContextTransaction tx = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var draft in added)
            {
                var invoice = new Invoice { RunId = run.Id, ClientId = draft.ClientId, ClientName = draft.ClientName };
                db.Invoices.Add(invoice);
                invoices?.Add(invoice);
                Apply(invoice, draft, now);
                changed.Add(draft.ClientId);
                written.Add(invoice);
            }

            foreach (var (draft, current) in updated)
            {
                var invoice = Writable(current);
                Apply(invoice, draft, now);
                changed.Add(draft.ClientId);
                written.Add(invoice);
            }

            foreach (var (current, flag) in newer)
            {
                var invoice = Writable(current);
                invoice.NewerCountsAvailable = flag;
                changed.Add(invoice.ClientId);
                written.Add(invoice);
            }

            foreach (var current in gone)
            {
                db.Invoices.Remove(Writable(current));
                invoices?.RemoveWhere(i => i.ClientId == current.ClientId);
                changed.Add(current.ClientId);
                removed.Add(current.ClientId);
            }

            if (refreshed)
            {
                run.RefreshedUtc = now;
            }

            if (changed.Count > 0 || refreshed)
            {
                run.Version++;
            }

            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            logger.LogInformation("Billing run {Period} of tenant {TenantId} {Why}: {Invoices} invoices built, {Changed} changed in {Elapsed} ms",
                period, run.TenantId, why, drafts.Count, changed.Count, (long)time.GetElapsedTime(started).TotalMilliseconds);
            // The shared view first, so the pages the change reaches re-render from it instead of reading the run.
            var view = invoices is null ? null : View(run, period, invoices);
            if (view is not null)
            {
                Views.Put(run.TenantId, view);
            }
            else if (run.Version > fromVersion)
            {
                Views.Apply(run, period, fromVersion, written, removed);
            }

            if (changed.Count > 0 || refreshed)
            {
                events.Publish(new BillingChange(run.TenantId, period.Start, run.Version, changed, why));
            }

            return view;
        }

        /// <summary>The run's invoices of these clients, tracked for writing (by the run + client index).</summary>
        private static async Task<Dictionary<Guid, Invoice>> TrackedAsync(AppDbContext db, Guid runId, List<Guid> clients, CancellationToken cancellationToken)
        {
            var tracked = new Dictionary<Guid, Invoice>();
            foreach (var chunk in clients.Chunk(500))
            {
                var ids = chunk.ToList();
                foreach (var invoice in await db.Invoices.Where(i => i.RunId == runId && ids.Contains(i.ClientId)).ToListAsync(cancellationToken))
                {
                    tracked[invoice.ClientId] = invoice;
                }
            }

            return tracked;
        }

        /// <summary>
        /// Loads the inputs and runs the engine. A method of its own so that the inputs (all the newest evidence) are
        /// garbage once the drafts exist, instead of staying reachable from the caller while the invoices are written.
        /// </summary>
        private async Task<(IReadOnlyList<DraftInvoice> Drafts, DateTime Now)> DraftAsync(AppDbContext db, BillingPeriod period, Guid runId, IReadOnlyCollection<Guid>? clients, CancellationToken cancellationToken)
        {
            var inputs = await BillingInputs.LoadAsync(db, period, runId, clients, cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            return (BillingEngine.Build(period, inputs.Clients, inputs.Settings, inputs.TimeItem, inputs.BlockItem, now), now);
        }

        /// <summary>Month-end time is measured from the first time someone works on the month (refresh, adjustment, approval).</summary>
        public static async Task MarkWorkStartedAsync(AppDbContext db, BillingPeriod period, CancellationToken cancellationToken)
        {
            await db.BillingRuns.Where(r => r.Period == period.Start && r.WorkStartedUtc == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.WorkStartedUtc, r => r.RefreshedUtc), cancellationToken);
        }

        /// <summary>The run as of its current version, from the shared read model (<see cref="RunViews"/>); null when it does not exist or is not computed yet.</summary>
        public Task<RunView?> ViewAsync(AppDbContext db, BillingPeriod period, CancellationToken cancellationToken) => Views.GetAsync(db, period, cancellationToken);

        internal static RunView View(BillingRun run, BillingPeriod period, IEnumerable<Invoice> invoices)
        {
            List<Invoice> ordered = [.. invoices.OrderBy(i => i.ClientName, StringComparer.OrdinalIgnoreCase).ThenBy(i => i.ClientId)];
            return new RunView(run.Id, period, run.Status, run.Version, run.RefreshedUtc, Totals(ordered), ordered);
        }

        public static RunTotals Totals(IReadOnlyCollection<Invoice> invoices)
        {
            var withPrevious = invoices.Where(i => i.PreviousTotal is not null).ToList();
            return new RunTotals(
                invoices.Sum(i => i.Total),
                withPrevious.Count == 0 ? null : withPrevious.Sum(i => i.PreviousTotal!.Value),
                invoices.Count,
                invoices.Count(i => i.Changed),
                invoices.Count(i => i.Flagged),
                invoices.Sum(i => i.OpenFlags),
                invoices.Count(i => i.Status != InvoiceStatus.Draft),
                invoices.Count(i => i.IsCreditMemo));
        }

        private static void Apply(Invoice invoice, DraftInvoice draft, DateTime now)
        {
            invoice.ClientName = draft.ClientName;
            invoice.InvoiceDate = draft.InvoiceDate;
            invoice.DueDate = draft.DueDate;
            invoice.Lines = [.. draft.Lines];
            invoice.Warnings = [.. draft.Warnings];
            invoice.Total = draft.Total;
            invoice.PreviousTotal = draft.PreviousTotal;
            invoice.IsCreditMemo = draft.IsCreditMemo;
            invoice.OpenFlags = draft.OpenFlags;
            invoice.Changed = draft.Changed;
            invoice.Flagged = draft.Flagged;
            invoice.NewerCountsAvailable = false;
            invoice.ComputedUtc = now;
        }

        /// <summary>Lines are equal when what they bill and show is equal (records hold lists, compared here by content).</summary>
        private static bool Same(InvoiceLine a, InvoiceLine b) =>
            a.Key == b.Key && a.Quantity == b.Quantity && a.UnitPrice == b.UnitPrice && a.Amount == b.Amount && a.Excluded == b.Excluded
            && a.Change == b.Change && a.Decision == b.Decision && a.Description == b.Description
            && a.Reasons.SequenceEqual(b.Reasons) && a.Flags.SequenceEqual(b.Flags)
            && a.Provenance.Evidence.SequenceEqual(b.Provenance.Evidence) && a.Provenance.NotCounted.SequenceEqual(b.Provenance.NotCounted)
            && a.Provenance.SnapshotUtc == b.Provenance.SnapshotUtc;

        /// <summary>The same lines at the same quantities, prices and amounts: what an approved invoice would post.</summary>
        private static bool SameBilling(Invoice invoice, DraftInvoice draft) =>
            invoice.Total == draft.Total && invoice.Lines.Count == draft.Lines.Count
            && invoice.Lines.Zip(draft.Lines).All(p => p.First.Key == p.Second.Key && p.First.Quantity == p.Second.Quantity
                && p.First.UnitPrice == p.Second.UnitPrice && p.First.Amount == p.Second.Amount && p.First.Excluded == p.Second.Excluded);

        private static object Describe(LineAdjustment a) => new { a.LineKey, a.Quantity, a.UnitPrice, a.Removed, a.Decision, a.AddedItemId, a.AddedDescription };

        private static void Validate(AdjustRequest r)
        {
            var v = new Validator()
                .Require("reason", r.Reason, LineAdjustment.ReasonMaxLength, "Reason")
                .Quantity("quantity", r.Quantity, "Quantity")
                .Money("unitPrice", r.UnitPrice, "Unit price", allowNegative: true)
                .MaxLength("description", r.Description, OneOffCharge.DescriptionMaxLength, "Description");
            if (r.Decision is not null && !Decisions.IsKnown(r.Decision))
            {
                v.Add("decision", "Decision must be accept, override or exclude.");
            }

            if (r.Decision == Decisions.Override && r.Quantity is null)
            {
                v.Add("quantity", "An override needs the quantity to bill.");
            }

            if (r.LineKey is null && r.AddItemId is null)
            {
                v.Add("lineKey", "Name the line to adjust, or choose an item to add a line.");
            }

            if (r.LineKey is not null && !r.Clear && !r.Remove && r.Decision is null && r.Quantity is null && r.UnitPrice is null)
            {
                v.Add("quantity", "Change the quantity or the price, remove the line, or decide its flag.");
            }

            v.ThrowIfInvalid();
        }
    }
}
