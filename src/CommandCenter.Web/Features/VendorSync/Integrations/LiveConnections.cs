using CommandCenter.VendorSync;

namespace CommandCenter.Web.Features.VendorSync.Integrations;

/// <summary>
/// Calls back when a sync of the given tenant starts, moves or ends, at most every <paramref name="interval"/>, so a page
/// shows live progress without redrawing on every page fetched. Dispose with the component.
/// </summary>
internal sealed class LiveConnections : IDisposable
{
    private readonly SyncProgressTracker _tracker;
    private readonly Guid _tenantId;
    private readonly Func<Task> _refresh;
    private readonly TimeSpan _interval;
    private int _pending;

    public LiveConnections(SyncProgressTracker tracker, Guid tenantId, Func<Task> refresh, TimeSpan? interval = null)
    {
        _tracker = tracker;
        _tenantId = tenantId;
        _refresh = refresh;
        _interval = interval ?? TimeSpan.FromMilliseconds(400);
        _tracker.Changed += OnChanged;
    }

    private void OnChanged(Guid tenantId)
    {
        if (tenantId != _tenantId || Interlocked.Exchange(ref _pending, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            await Task.Delay(_interval);
            Interlocked.Exchange(ref _pending, 0);
            await _refresh();
        });
    }

    public void Dispose() => _tracker.Changed -= OnChanged;
}
