using System.Collections.Concurrent;

namespace CommandCenter.VendorSync;

/// <summary>What a running sync has read so far.</summary>
public sealed record LiveSync(Guid ConnectionId, Guid TenantId, DateTime StartedUtc, int Organizations, int Pages, int Items);

/// <summary>
/// In-process live progress of running syncs, so the Integrations page can show organisations, pages and items as they
/// arrive. Listeners get the tenant id and must read only their own tenant's entries (<see cref="ForTenant"/>).
/// </summary>
public sealed class SyncProgressTracker(TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, Progress> _running = new();

    /// <summary>Raised with the tenant id whenever a sync of that tenant starts, moves or ends.</summary>
    public event Action<Guid>? Changed;

    /// <summary>Raised with (tenant, connection) when a sync of that tenant has ended, whatever its outcome.</summary>
    public event Action<Guid, Guid>? Ended;

    public IReadOnlyList<LiveSync> ForTenant(Guid tenantId) =>
        _running.Values.Where(p => p.TenantId == tenantId).Select(p => p.Snapshot()).ToList();

    public LiveSync? Get(Guid tenantId, Guid connectionId) =>
        _running.TryGetValue(connectionId, out var p) && p.TenantId == tenantId ? p.Snapshot() : null;

    internal Progress Start(Guid tenantId, Guid connectionId)
    {
        var progress = new Progress(this, connectionId, tenantId, time.GetUtcNow().UtcDateTime);
        _running[connectionId] = progress;
        Notify(tenantId);
        return progress;
    }

    internal void End(Progress progress)
    {
        _running.TryRemove(new KeyValuePair<Guid, Progress>(progress.ConnectionId, progress));
        Notify(progress.TenantId);
        Ended?.Invoke(progress.TenantId, progress.ConnectionId);
    }

    private void Notify(Guid tenantId) => Changed?.Invoke(tenantId);

    internal sealed class Progress(SyncProgressTracker owner, Guid connectionId, Guid tenantId, DateTime startedUtc) : ISyncProgress
    {
        private int _organizations;
        private int _pages;
        private int _items;

        public Guid ConnectionId { get; } = connectionId;
        public Guid TenantId { get; } = tenantId;
        public int Pages => Volatile.Read(ref _pages);
        public int Items => Volatile.Read(ref _items);
        public int OrganizationCount => Volatile.Read(ref _organizations);

        public void Organizations(int count)
        {
            Interlocked.Exchange(ref _organizations, count);
            owner.Notify(TenantId);
        }

        public void Page(int items)
        {
            Interlocked.Increment(ref _pages);
            Interlocked.Add(ref _items, items);
            owner.Notify(TenantId);
        }

        public LiveSync Snapshot() => new(ConnectionId, TenantId, startedUtc, OrganizationCount, Pages, Items);
    }
}
