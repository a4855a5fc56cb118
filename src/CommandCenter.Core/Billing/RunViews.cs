using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Billing;

/// <summary>
/// The last read of each month's run, shared by every page and API call of this instance, keyed by tenant and month
/// (invariant 7: the tenant comes from the reader's tenant-bound context, never from the caller). A reader checks the
/// run's version in the database (one small row) and gets the shared view when it is that version; otherwise one read
/// of the run is made for everyone asking at the same time. Writers hand over what they have just written: a full
/// rebuild its whole view, a partial rebuild the invoices of the clients it changed, applied to the version it
/// started from. So N open pages re-render a change from one read (or none), instead of each reading the whole run.
/// The views are shared: nobody changes an <see cref="Invoice"/> of a view (they are plain, untracked objects).
/// </summary>
public sealed class RunViews(IDbContextFactory<AppDbContext> factory)
{
    /// <summary>Months kept (least recently used goes first): a few tenants' current and previous month.</summary>
    public const int Capacity = 32;

    private readonly Lock _gate = new();
    private readonly Dictionary<(Guid TenantId, DateOnly Period), Entry> _entries = [];
    private long _clock;

    /// <summary>How many times the run's invoices were read from the database (a measure for tests and logs).</summary>
    public int Reads => Volatile.Read(ref _reads);

    private int _reads;

    private sealed class Entry
    {
        public RunView? View;
        public Task<RunView?>? Loading;
        public Guid LoadingRun;
        public long LoadingVersion;
        public RunStatus LoadingStatus;
        public long Used;
    }

    /// <summary>The run of <paramref name="period"/> of the context's tenant, as of its current version; null when it does not exist or is not computed yet.</summary>
    public async Task<RunView?> GetAsync(AppDbContext db, BillingPeriod period, CancellationToken cancellationToken)
    {
        var tenantId = db.CurrentTenantId ?? throw new InvalidOperationException("A run is read through a tenant-bound context.");
        var head = await db.BillingRuns.AsNoTracking().Where(r => r.Period == period.Start)
            .Select(r => new { r.Id, r.Status, r.Version }).SingleOrDefaultAsync(cancellationToken);
        // A run being created is saved before its invoices are written: a reader waits for its first computation
        // (OpenAsync takes the tenant's lock, which its creator holds) instead of seeing an empty month.
        if (head is null || !BillingRun.IsComputed(head.Status, head.Version))
        {
            return null;
        }

        Task<RunView?> loading;
        lock (_gate)
        {
            var entry = EntryFor((tenantId, period.Start));
            // Every change bumps the version; the status is compared too, as a lock or reopen is what a page must never miss.
            if (entry.View is { } shown && shown.RunId == head.Id && shown.Version >= head.Version && shown.Status == head.Status)
            {
                return shown;
            }

            if (entry.Loading is { IsCompleted: false } running && entry.LoadingRun == head.Id && entry.LoadingVersion >= head.Version && entry.LoadingStatus == head.Status)
            {
                loading = running;
            }
            else
            {
                // On the thread pool: the load is shared, so it must not run on the first asker's circuit, context or cancellation.
                loading = entry.Loading = Task.Run(() => LoadAsync(tenantId, period, db.Actor), CancellationToken.None);
                entry.LoadingRun = head.Id;
                entry.LoadingVersion = head.Version;
                entry.LoadingStatus = head.Status;
            }
        }

        return await loading.WaitAsync(cancellationToken);
    }

    /// <summary>A writer's whole view of the run (a full rebuild): the new current version.</summary>
    public void Put(Guid tenantId, RunView view)
    {
        lock (_gate)
        {
            Store(EntryFor((tenantId, view.Period.Start)), view);
        }
    }

    /// <summary>
    /// A partial rebuild of version <paramref name="fromVersion"/>: the invoices of the changed clients (and the clients
    /// whose invoice went away) make <paramref name="run"/>'s new version out of the shared one. Applied only when the
    /// shared view is exactly <paramref name="fromVersion"/>, so nothing another change wrote in between is missed; the
    /// next reader reads the run otherwise.
    /// </summary>
    public void Apply(BillingRun run, BillingPeriod period, long fromVersion, IReadOnlyCollection<Invoice> changed, IReadOnlyCollection<Guid> removed)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue((run.TenantId, period.Start), out var entry) || entry.View is not { } shown
                || shown.RunId != run.Id || shown.Version != fromVersion || run.Version <= fromVersion)
            {
                return;
            }

            var replaced = changed.Select(i => i.ClientId).Concat(removed).ToHashSet();
            Store(entry, BillingRuns.Engine.View(run, period, shown.Invoices.Where(i => !replaced.Contains(i.ClientId)).Concat(changed)));
        }
    }

    /// <summary>The shared view when it is exactly <paramref name="version"/> of the open run <paramref name="runId"/> (a writer holding the tenant's lock compares with it instead of reading the invoices).</summary>
    public RunView? Current(Guid tenantId, BillingPeriod period, Guid runId, long version)
    {
        lock (_gate)
        {
            return _entries.TryGetValue((tenantId, period.Start), out var entry) && entry.View is { } shown
                && shown.RunId == runId && shown.Version == version && shown.Status == RunStatus.Open ? shown : null;
        }
    }

    /// <summary>The shared view of a month as it stands (no database read): for tests and diagnostics.</summary>
    public RunView? Peek(Guid tenantId, BillingPeriod period)
    {
        lock (_gate)
        {
            return _entries.TryGetValue((tenantId, period.Start), out var entry) ? entry.View : null;
        }
    }

    private async Task<RunView?> LoadAsync(Guid tenantId, BillingPeriod period, string? actor)
    {
        await using var db = factory.CreateDbContext().ForTenant(tenantId, actor ?? "system");
        // The run first, then its invoices: the invoices are at least as new as the version the view is labelled with.
        var run = await db.BillingRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Period == period.Start);
        if (run is null || !run.Computed)
        {
            return null;
        }

        var invoices = await db.Invoices.AsNoTracking().Where(i => i.RunId == run.Id).ToListAsync();
        Interlocked.Increment(ref _reads);
        var view = BillingRuns.Engine.View(run, period, invoices);
        lock (_gate)
        {
            var entry = EntryFor((tenantId, period.Start));
            Store(entry, view);
            // Done: the finished task would otherwise keep this whole view alive after a newer one replaces it.
            if (entry.LoadingRun == view.RunId && entry.LoadingVersion <= view.Version)
            {
                entry.Loading = null;
            }
        }

        return view;
    }

    private static void Store(Entry entry, RunView view)
    {
        if (entry.View is not { } shown || shown.RunId != view.RunId || view.Version > shown.Version || (view.Version == shown.Version && view.Status != shown.Status))
        {
            entry.View = view;
        }
    }

    private Entry EntryFor((Guid, DateOnly) key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            if (_entries.Count >= Capacity)
            {
                var oldest = _entries.MinBy(e => e.Value.Used);
                _entries.Remove(oldest.Key);
            }

            entry = new Entry();
            _entries[key] = entry;
        }

        entry.Used = ++_clock;
        return entry;
    }
}
