using System.Globalization;
using CommandCenter.Accounting;
using CommandCenter.Common;
using CommandCenter.Persistence;
using CommandCenter.Psa;
using CommandCenter.VendorSync;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Billing;

/// <summary>
/// The month-end cockpit (home page): everything between a month and "Post all" in one read — what blocks the close
/// (each with where it is fixed), the month's total and why it moved against last month, the revenue found, the last
/// twelve months and how long month end took.
/// </summary>
/// <remarks>
/// Counts are aggregated in SQL; only the month's invoices are read whole (their lines are JSON), plus — for the
/// invoices whose amount moved — the lines of each client's last posted invoice, to name what last month billed
/// and this month does not.
/// </remarks>
public static class MonthEndCockpit
{
    /// <summary>What blocks the close (<c>data-kind</c> of a <c>close-blocker</c> row).</summary>
    public static class BlockerKinds
    {
        public const string StaleSource = "stale-source";
        public const string FailedSource = "failed-source";
        public const string UnmappedOrganization = "unmapped-organization";
        /// <summary>No accounting system is connected: nothing can be posted (one blocker instead of one per client).</summary>
        public const string NoAccounting = "no-accounting";
        public const string UnmappedCustomer = "unmapped-customer";
        public const string UnmappedItem = "unmapped-item";
        public const string UndecidedFlag = "undecided-flag";
        public const string OpenTicketTime = "open-ticket-time";
        public const string UnapprovedInvoice = "unapproved-invoice";
        public const string PostingFailed = "posting-failed";
    }

    /// <summary>Why the month's total moved (<c>data-category</c> of a <c>home-change-part</c> row), in display order.</summary>
    public static class Causes
    {
        public const string NewLines = "new-lines";
        public const string RemovedLines = "removed-lines";
        public const string CountIncreases = "count-increases";
        public const string CountDecreases = "count-decreases";
        public const string PriceChanges = "price-changes";
        public const string Proration = "proration";
        public const string Time = "time";
        public const string OneOff = "one-off";
        public const string Manual = "manual";
        /// <summary>What no rule explains (a previous total that is not the sum of its lines); expected to stay 0.</summary>
        public const string Other = "other";

        public static readonly IReadOnlyList<(string Key, string Label)> All =
        [
            (NewLines, "New lines"),
            (RemovedLines, "Removed lines"),
            (CountIncreases, "Count increases"),
            (CountDecreases, "Count decreases"),
            (PriceChanges, "Price changes"),
            (Proration, "Proration"),
            (Time, "Time & materials"),
            (OneOff, "One-off charges and credits"),
            (Manual, "Manual adjustments"),
            (Other, "Other"),
        ];
    }

    /// <param name="Href">Where it is fixed.</param>
    public sealed record Blocker(string Kind, int Count, string Message, string Href, string FixLabel);

    public sealed record ChangePart(string Cause, string Label, decimal Amount, int Lines);

    /// <summary>A month of the chart: the sum of its run's invoice totals; 0 (and <see cref="HasRun"/> false) without a run.</summary>
    public sealed record MonthTotal(BillingPeriod Period, decimal Total, bool HasRun);

    /// <summary>Month-end time of one run: from the first refresh, adjustment or approval to posted.</summary>
    public sealed record MonthEndTime(BillingPeriod Period, DateTime? StartedUtc, DateTime? PostedUtc)
    {
        /// <summary>not-started | in-progress | posted | posted-untimed (posted without recorded work, e.g. a month recorded as history).</summary>
        public string State => (StartedUtc, PostedUtc) switch
        {
            (null, null) => "not-started",
            (not null, null) => "in-progress",
            (not null, not null) => "posted",
            (null, not null) => "posted-untimed",
        };

        /// <summary>Whole minutes from start to posted (rounded up: a month end of 30 seconds took 1 minute).</summary>
        public int? Minutes => StartedUtc is { } s && PostedUtc is { } p ? (int)Math.Ceiling(Math.Max(0, (p - s).TotalMinutes)) : null;

        public string Text => State switch
        {
            "not-started" => "not started",
            "in-progress" => $"in progress since {StartedUtc!.Value.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC",
            "posted" => $"took {Minutes} min",
            _ => "posted (time not recorded)",
        };
    }

    public sealed record View(
        BillingPeriod Period,
        RunStatus? Status,
        int Invoices,
        decimal Total,
        decimal? PreviousTotal,
        IReadOnlyList<ChangePart> Breakdown,
        decimal RevenueFound,
        int RevenueFoundLines,
        IReadOnlyList<Blocker> Blockers,
        IReadOnlyList<MonthTotal> Months,
        MonthEndTime Time,
        IReadOnlyList<MonthEndTime> PastMonths)
    {
        public bool HasRun => Status is not null;

        /// <summary>This month's total less the total of its clients' last posted invoices (what the review page shows as the change).</summary>
        public decimal? Change => PreviousTotal is { } p ? Total - p : null;

        /// <summary>An open run with invoices and nothing in the way of "Post all".</summary>
        public bool ReadyToPost => Status == RunStatus.Open && Invoices > 0 && Blockers.Count == 0;
    }

    public const int ChartMonths = 12;
    public const int PastMonthsShown = 6;

    public sealed class Handler(TenantDb tenantDb, TimeProvider time)
    {
        public async Task<View> GetAsync(BillingPeriod period, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            var run = await db.BillingRuns.AsNoTracking().Where(r => r.Period == period.Start)
                .Select(r => new { r.Id, r.Status, r.Version, r.WorkStartedUtc, r.PostedUtc }).SingleOrDefaultAsync(cancellationToken);
            var computed = run is not null && BillingRun.IsComputed(run.Status, run.Version);
            var invoices = computed
                ? await db.Invoices.AsNoTracking().Where(i => i.RunId == run!.Id)
                    .Select(i => new InvoiceRow(i.ClientId, i.ClientName, i.Status, i.Total, i.PreviousTotal, i.OpenFlags, i.Lines)).ToListAsync(cancellationToken)
                : [];

            var blockers = new List<Blocker>();
            await SourceBlockersAsync(db, now, blockers, cancellationToken);
            await AccountingBlockersAsync(db, computed ? run!.Id : null, invoices, blockers, cancellationToken);
            if (computed)
            {
                RunBlockers(period, invoices, blockers);
            }

            await OpenTimeBlockerAsync(db, period, blockers, cancellationToken);
            if (computed)
            {
                await PostingBlockerAsync(db, period, blockers, cancellationToken);
            }

            var (breakdown, found, foundLines) = await BreakdownAsync(db, period, invoices, cancellationToken);
            var withPrevious = invoices.Where(i => i.PreviousTotal is not null).ToList();
            return new View(
                period,
                computed ? run!.Status : null,
                invoices.Count,
                invoices.Sum(i => i.Total),
                withPrevious.Count == 0 ? null : withPrevious.Sum(i => i.PreviousTotal!.Value),
                breakdown,
                found,
                foundLines,
                [.. blockers.OrderBy(b => Order(b.Kind))],
                await MonthsAsync(db, period, cancellationToken),
                new MonthEndTime(period, run?.WorkStartedUtc, run?.PostedUtc),
                await PastMonthsAsync(db, period, cancellationToken));
        }

        private static async Task SourceBlockersAsync(AppDbContext db, DateTime now, List<Blocker> blockers, CancellationToken cancellationToken)
        {
            var staleAfter = await db.BillingSettings.AsNoTracking().Select(s => (int?)s.StaleAfterHours).FirstOrDefaultAsync(cancellationToken) ?? new BillingSettings().StaleAfterHours;
            var connections = await db.VendorConnections.AsNoTracking().Where(c => c.Enabled)
                .Select(c => new { c.Id, c.Name, c.LastStatus, c.LastSuccessUtc, c.LastError }).ToListAsync(cancellationToken);
            var failed = connections.Where(c => c.LastStatus == SyncStatus.Failed).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
            if (failed.Count > 0)
            {
                blockers.Add(new Blocker(BlockerKinds.FailedSource, failed.Count,
                    $"{Count(failed.Count, "vendor source")} failed {(failed.Count == 1 ? "its" : "their")} last sync: {string.Join(", ", failed.Select(c => c.Name))}. Their lines bill the last good counts.",
                    failed.Count == 1 ? $"/integrations/{failed[0].Id}" : "/integrations", "Open integrations"));
            }

            // Never synced, or the last success is older than the tenant's stale threshold (a failed one is listed above).
            var cutoff = now.AddHours(-staleAfter);
            var stale = connections.Where(c => c.LastStatus != SyncStatus.Failed && (c.LastSuccessUtc is null || c.LastSuccessUtc < cutoff))
                .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
            if (stale.Count > 0)
            {
                blockers.Add(new Blocker(BlockerKinds.StaleSource, stale.Count,
                    $"{Count(stale.Count, "vendor source")} {(stale.Count == 1 ? "has" : "have")} not synced in the last {staleAfter} h: {string.Join(", ", stale.Select(c => c.Name))}.",
                    stale.Count == 1 ? $"/integrations/{stale[0].Id}" : "/integrations", "Sync now"));
            }

            // As the Integrations page's unmapped queue counts them: active, not mapped to a client, not ignored.
            var unmapped = await db.VendorOrganizations.CountAsync(o => o.Active && o.ClientId == null && !o.Ignored, cancellationToken);
            if (unmapped > 0)
            {
                blockers.Add(new Blocker(BlockerKinds.UnmappedOrganization, unmapped,
                    $"{Count(unmapped, "vendor organisation")} {(unmapped == 1 ? "is" : "are")} not mapped to a client (or ignored): what they count is billed to no one.",
                    "/integrations/mapping", "Map organisations"));
            }
        }

        private static async Task AccountingBlockersAsync(AppDbContext db, Guid? runId, List<InvoiceRow> invoices, List<Blocker> blockers, CancellationToken cancellationToken)
        {
            var connection = await db.AccountingConnections.AsNoTracking().Select(c => new { c.Id, c.FallbackItemRef }).SingleOrDefaultAsync(cancellationToken);
            if (connection is null)
            {
                blockers.Add(new Blocker(BlockerKinds.NoAccounting, 1, "No accounting system is connected: invoices cannot be posted.", "/settings/accounting", "Connect accounting"));
                return;
            }

            if (runId is not { } id)
            {
                return;
            }

            // Clients with an invoice still to post whose customer mapping is missing or points at no active imported customer.
            var customers = db.AccountingRecords.Where(r => r.ConnectionId == connection.Id && r.Kind == AccountingRecordKinds.Customer && r.Active).Select(r => r.ExternalId);
            var unmappedCustomers = await db.Invoices.Where(i => i.RunId == id && i.Status != InvoiceStatus.Posted)
                .Join(db.Clients, i => i.ClientId, c => c.Id, (i, c) => c.AccountingCustomerRef)
                .CountAsync(r => r == null || !customers.Contains(r), cancellationToken);
            if (unmappedCustomers > 0)
            {
                blockers.Add(new Blocker(BlockerKinds.UnmappedCustomer, unmappedCustomers,
                    $"{Count(unmappedCustomers, "client")} with an invoice this month {(unmappedCustomers == 1 ? "is" : "are")} not mapped to a customer of the accounting system.",
                    "/settings/accounting", "Map customers"));
            }

            // Catalog items on billed lines of invoices still to post; lines without an item post to the fallback item.
            var billed = invoices.Where(i => i.Status != InvoiceStatus.Posted).SelectMany(i => i.Lines).Where(l => !l.Excluded).ToList();
            var itemIds = billed.Where(l => l.ItemId is not null).Select(l => l.ItemId!.Value).Distinct().ToList();
            var items = db.AccountingRecords.Where(r => r.ConnectionId == connection.Id && r.Kind == AccountingRecordKinds.Item && r.Active).Select(r => r.ExternalId);
            var unmappedItems = itemIds.Count == 0 ? 0 : await db.CatalogItems.Where(c => itemIds.Contains(c.Id))
                .CountAsync(c => c.AccountingItemRef == null || !items.Contains(c.AccountingItemRef), cancellationToken);
            var needsFallback = billed.Any(l => l.ItemId is null)
                && (connection.FallbackItemRef is null || !await items.ContainsAsync(connection.FallbackItemRef, cancellationToken));
            var unmappedTotal = unmappedItems + (needsFallback ? 1 : 0);
            if (unmappedTotal > 0)
            {
                var what = needsFallback
                    ? $"{Count(unmappedItems, "catalog item")} on this month's lines {(unmappedItems == 1 ? "is" : "are")} not mapped to an item of the accounting system, and lines without a catalog item have no fallback item."
                    : $"{Count(unmappedItems, "catalog item")} on this month's lines {(unmappedItems == 1 ? "is" : "are")} not mapped to an item of the accounting system.";
                blockers.Add(new Blocker(BlockerKinds.UnmappedItem, unmappedTotal, what, "/settings/accounting", "Map items"));
            }
        }

        private static void RunBlockers(BillingPeriod period, List<InvoiceRow> invoices, List<Blocker> blockers)
        {
            var flags = invoices.Sum(i => i.OpenFlags);
            if (flags > 0)
            {
                var held = invoices.Count(i => i.OpenFlags > 0);
                blockers.Add(new Blocker(BlockerKinds.UndecidedFlag, flags,
                    $"{Count(flags, "flagged line")} to decide (accept, override or exclude) on {Count(held, "invoice")}.",
                    $"/billing/{period}?flagged=true", "Decide flags"));
            }

            var drafts = invoices.Count(i => i.Status == InvoiceStatus.Draft);
            if (drafts > 0)
            {
                blockers.Add(new Blocker(BlockerKinds.UnapprovedInvoice, drafts,
                    $"{drafts} of {invoices.Count} invoices {(drafts == 1 ? "is" : "are")} not approved yet.",
                    $"/billing/{period}", "Review and approve"));
            }
        }

        private static async Task OpenTimeBlockerAsync(AppDbContext db, BillingPeriod period, List<Blocker> blockers, CancellationToken cancellationToken)
        {
            var (start, end) = (period.Start, period.End);
            var open = await db.Tickets.CountAsync(t => t.Status == TicketStatus.Open && t.TimeEntries.Any(e => e.WorkDate >= start && e.WorkDate < end), cancellationToken);
            if (open > 0)
            {
                blockers.Add(new Blocker(BlockerKinds.OpenTicketTime, open,
                    $"{Count(open, "open ticket")} {(open == 1 ? "carries" : "carry")} time of {period.Display}: not billed until closed with a billing class.",
                    "/psa?status=open&unclassified=true", "Close tickets"));
            }
        }

        /// <summary>The newest posting of each document of the month (a retry is a new row with the next version) that failed or is uncertain.</summary>
        private static async Task PostingBlockerAsync(AppDbContext db, BillingPeriod period, List<Blocker> blockers, CancellationToken cancellationToken)
        {
            var rows = await db.InvoicePostings.AsNoTracking().Where(p => p.Period == period.Start)
                .Select(p => new { p.InvoiceId, p.CorrectionId, p.DocumentVersion, p.State }).ToListAsync(cancellationToken);
            var failed = rows.GroupBy(r => (r.InvoiceId, r.CorrectionId)).Select(g => g.MaxBy(r => r.DocumentVersion)!)
                .Count(r => r.State is PostingState.Failed or PostingState.Uncertain);
            if (failed > 0)
            {
                blockers.Add(new Blocker(BlockerKinds.PostingFailed, failed,
                    $"{Count(failed, "document")} failed to post or {(failed == 1 ? "is" : "are")} uncertain: check and post again.",
                    $"/billing/{period}", "See postings"));
            }
        }

        /// <summary>
        /// The month's change (Σ invoice total − Σ previous total, a client without a previous invoice counting 0) split by cause.
        /// Rules, per line of this month's invoices (the engine's <see cref="InvoiceLine.AmountDelta"/>):
        /// <list type="bullet">
        /// <item>Kind <c>added</c> (a line added by hand), or a recurring line with a manual change (a quantity or price
        /// override, removed or excluded by hand, an "override"/"exclude" decision; an accepted flag is not manual) →
        /// <see cref="Causes.Manual"/>.</item>
        /// <item>Kind <c>time</c> or <c>block-overage</c> → <see cref="Causes.Time"/>; <c>charge</c> or
        /// <c>block-purchase</c> → <see cref="Causes.OneOff"/>.</item>
        /// <item>Recurring, change <c>new</c> → <see cref="Causes.NewLines"/> (the whole amount, prorated or not);
        /// change <c>removed</c> → <see cref="Causes.RemovedLines"/>.</item>
        /// <item>Recurring, matched to last month's line (quantity q, price p, amount a; 0 = last month, 1 = now;
        /// f = round(q × p), the full-month amount): count = round((q1 − q0) × p0) → <see cref="Causes.CountIncreases"/>
        /// or <see cref="Causes.CountDecreases"/>; price = (f1 − f0) − count → <see cref="Causes.PriceChanges"/>;
        /// proration = (a1 − f1) − (a0 − f0) → <see cref="Causes.Proration"/>. The three add up to a1 − a0.</item>
        /// <item>What last month's invoice billed and this month's lines do not carry (time on tickets billed then, last
        /// month's one-off charges, block purchases): minus its amount, by its kind as above.</item>
        /// </list>
        /// Revenue found: the positive amounts of new recurring lines plus the count increases, on invoices of clients
        /// that had a posted invoice before (a client's first invoice is all new, not found).
        /// </summary>
        private static async Task<(IReadOnlyList<ChangePart> Parts, decimal Found, int FoundLines)> BreakdownAsync(AppDbContext db, BillingPeriod period, List<InvoiceRow> invoices, CancellationToken cancellationToken)
        {
            var amounts = Causes.All.ToDictionary(c => c.Key, _ => 0m);
            var lines = Causes.All.ToDictionary(c => c.Key, _ => 0);
            void Add(string cause, decimal amount)
            {
                if (amount != 0)
                {
                    amounts[cause] += amount;
                    lines[cause]++;
                }
            }

            // Last month's lines are read only for invoices where they matter: a matched recurring line whose amount
            // moved, or a total that moved by more than the lines' deltas say.
            var needPrevious = invoices.Where(i => i.PreviousTotal is not null
                    && (i.Lines.Any(l => l.Kind == LineKinds.Recurring && l.Change is ChangeKinds.Up or ChangeKinds.Down && l.AmountDelta != 0)
                        || i.Total - i.PreviousTotal.Value != i.Lines.Sum(l => l.AmountDelta)))
                .Select(i => i.ClientId).ToList();
            var previous = await PreviousLinesAsync(db, period, needPrevious, cancellationToken);

            decimal found = 0;
            var foundLines = 0;
            foreach (var invoice in invoices)
            {
                var before = previous.GetValueOrDefault(invoice.ClientId);
                var explained = 0m;
                foreach (var line in invoice.Lines)
                {
                    explained += line.AmountDelta;
                    if (line.AmountDelta == 0)
                    {
                        continue;
                    }

                    var cause = CauseOf(line);
                    if (cause is not null)
                    {
                        Add(cause, line.AmountDelta);
                        if (cause == Causes.NewLines && invoice.PreviousTotal is not null && line.AmountDelta > 0)
                        {
                            found += line.AmountDelta;
                            foundLines++;
                        }

                        continue;
                    }

                    // A matched recurring line: count, price and proration.
                    var last = before?.GetValueOrDefault(line.Key);
                    if (last is null)
                    {
                        Add(line.QuantityDelta > 0 ? Causes.CountIncreases : line.QuantityDelta < 0 ? Causes.CountDecreases : Causes.PriceChanges, line.AmountDelta);
                        continue;
                    }

                    var (q0, p0, a0) = (last.Quantity, last.UnitPrice, last.Amount);
                    var (q1, p1, a1) = (line.Quantity, line.UnitPrice, line.Amount);
                    var f0 = Money.RoundCents(q0 * p0);
                    var f1 = Money.RoundCents(q1 * p1);
                    var count = Money.RoundCents((q1 - q0) * p0);
                    var price = f1 - f0 - count;
                    var proration = a1 - f1 - (a0 - f0);
                    Add(q1 > q0 ? Causes.CountIncreases : Causes.CountDecreases, count);
                    Add(Causes.PriceChanges, price);
                    Add(Causes.Proration, proration);
                    if (count > 0)
                    {
                        found += count;
                        foundLines++;
                    }
                }

                // What last month billed that this month's lines do not carry.
                var rest = invoice.Total - (invoice.PreviousTotal ?? 0) - explained;
                if (rest != 0 && before is not null)
                {
                    var current = invoice.Lines.Select(l => l.Key).ToHashSet(StringComparer.Ordinal);
                    foreach (var gone in before.Values.Where(l => !l.Excluded && l.Amount != 0 && !current.Contains(l.Key)))
                    {
                        var cause = gone.Kind switch
                        {
                            LineKinds.Time or LineKinds.BlockOverage => Causes.Time,
                            LineKinds.Charge or LineKinds.BlockPurchase => Causes.OneOff,
                            LineKinds.Added => Causes.Manual,
                            _ => Causes.RemovedLines,
                        };
                        Add(cause, -gone.Amount);
                        rest += gone.Amount;
                    }
                }

                Add(Causes.Other, rest);
            }

            var parts = Causes.All.Select(c => new ChangePart(c.Key, c.Label, amounts[c.Key], lines[c.Key])).ToList();
            return (parts, found, foundLines);
        }

        /// <summary>The cause of a line's whole delta, or null for a matched recurring line (split by <see cref="BreakdownAsync"/>).</summary>
        private static string? CauseOf(InvoiceLine line)
        {
            switch (line.Kind)
            {
                case LineKinds.Added:
                    return Causes.Manual;
                case LineKinds.Time or LineKinds.BlockOverage:
                    return Causes.Time;
                case LineKinds.Charge or LineKinds.BlockPurchase:
                    return Causes.OneOff;
            }

            // The engine keeps an adjustment's reason on the line (DecisionReason); accepting a flag bills the line as computed.
            if (line.DecisionReason is not null && line.Decision != Decisions.Accept && line.Change != ChangeKinds.Removed)
            {
                return Causes.Manual;
            }

            return line.Change switch
            {
                ChangeKinds.New => Causes.NewLines,
                ChangeKinds.Removed => Causes.RemovedLines,
                _ => null,
            };
        }

        /// <summary>The lines of each client's last posted invoice before the period (the engine's diff baseline).</summary>
        private static async Task<Dictionary<Guid, Dictionary<string, InvoiceLine>>> PreviousLinesAsync(AppDbContext db, BillingPeriod period, List<Guid> clientIds, CancellationToken cancellationToken)
        {
            var result = new Dictionary<Guid, Dictionary<string, InvoiceLine>>();
            if (clientIds.Count == 0)
            {
                return result;
            }

            var start = period.Start;
            var heads = new List<(Guid ClientId, Guid RunId, DateOnly Period)>();
            foreach (var chunk in clientIds.Chunk(2000))
            {
                var ids = chunk.ToList();
                heads.AddRange((await db.Invoices.AsNoTracking()
                    .Where(i => i.Status == InvoiceStatus.Posted && ids.Contains(i.ClientId))
                    .Join(db.BillingRuns.Where(r => r.Period < start), i => i.RunId, r => r.Id, (i, r) => new { i.ClientId, i.RunId, r.Period })
                    .ToListAsync(cancellationToken)).Select(h => (h.ClientId, h.RunId, h.Period)));
            }

            foreach (var run in heads.GroupBy(h => h.ClientId).Select(g => g.MaxBy(h => h.Period)).GroupBy(h => h.RunId))
            {
                var runId = run.Key;
                foreach (var chunk in run.Select(h => h.ClientId).Chunk(2000))
                {
                    var ids = chunk.ToList();
                    foreach (var p in await db.Invoices.AsNoTracking().Where(i => i.RunId == runId && ids.Contains(i.ClientId)).Select(i => new { i.ClientId, i.Lines }).ToListAsync(cancellationToken))
                    {
                        var byKey = new Dictionary<string, InvoiceLine>(StringComparer.Ordinal);
                        foreach (var l in p.Lines)
                        {
                            byKey.TryAdd(l.Key, l);
                        }

                        result[p.ClientId] = byKey;
                    }
                }
            }

            return result;
        }

        private static async Task<IReadOnlyList<MonthTotal>> MonthsAsync(AppDbContext db, BillingPeriod period, CancellationToken cancellationToken)
        {
            var first = period.Start.AddMonths(-(ChartMonths - 1));
            var runs = await db.BillingRuns.AsNoTracking().Where(r => r.Period >= first && r.Period <= period.Start && (r.Status != RunStatus.Open || r.Version > 0))
                .Select(r => new { r.Id, r.Period }).ToListAsync(cancellationToken);
            var ids = runs.Select(r => r.Id).ToList();
            // Totals only (no lines); summed here because SQLite stores decimals as text.
            var totals = ids.Count == 0 ? [] : await db.Invoices.AsNoTracking().Where(i => ids.Contains(i.RunId)).Select(i => new { i.RunId, i.Total }).ToListAsync(cancellationToken);
            var byRun = totals.GroupBy(t => t.RunId).ToDictionary(g => g.Key, g => g.Sum(t => t.Total));
            var byPeriod = runs.ToDictionary(r => r.Period, r => byRun.GetValueOrDefault(r.Id));
            return [.. Enumerable.Range(0, ChartMonths).Select(n => new BillingPeriod(first.AddMonths(n)))
                .Select(p => new MonthTotal(p, byPeriod.GetValueOrDefault(p.Start), byPeriod.ContainsKey(p.Start)))];
        }

        private static async Task<IReadOnlyList<MonthEndTime>> PastMonthsAsync(AppDbContext db, BillingPeriod period, CancellationToken cancellationToken)
        {
            var runs = await db.BillingRuns.AsNoTracking().Where(r => r.Period < period.Start && r.PostedUtc != null)
                .OrderByDescending(r => r.Period).Take(PastMonthsShown)
                .Select(r => new { r.Period, r.WorkStartedUtc, r.PostedUtc }).ToListAsync(cancellationToken);
            return [.. runs.Select(r => new MonthEndTime(new BillingPeriod(r.Period), r.WorkStartedUtc, r.PostedUtc))];
        }

        private static int Order(string kind) => kind switch
        {
            BlockerKinds.FailedSource => 0,
            BlockerKinds.StaleSource => 1,
            BlockerKinds.UnmappedOrganization => 2,
            BlockerKinds.OpenTicketTime => 3,
            BlockerKinds.UndecidedFlag => 4,
            BlockerKinds.UnapprovedInvoice => 5,
            BlockerKinds.NoAccounting => 6,
            BlockerKinds.UnmappedCustomer => 7,
            BlockerKinds.UnmappedItem => 8,
            _ => 9,
        };

        private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
    }

    private sealed record InvoiceRow(Guid ClientId, string ClientName, InvoiceStatus Status, decimal Total, decimal? PreviousTotal, int OpenFlags, List<InvoiceLine> Lines);
}
