using System.Threading.RateLimiting;

namespace CommandCenter.VendorSync.Http;

/// <summary>
/// An exact sliding-window limiter ("at most N requests in any window"), as Huntress enforces it: the (N+1)-th request
/// waits until the first one is a full window (plus a small margin for transit) old. Requests queue instead of being
/// rejected. <see cref="SlidingWindowRateLimiter"/> is segment-based and lets a window hold slightly more than N
/// requests at segment edges, which a strict vendor answers with 429.
/// </summary>
internal sealed class SlidingWindowLogRateLimiter : RateLimiter
{
    private readonly int _permitLimit;
    private readonly TimeSpan _window;
    private readonly TimeProvider _timeProvider;
    private readonly Queue<long> _grants = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _lastUse;
    private long _successful;
    private long _queued;

    public SlidingWindowLogRateLimiter(int permitLimit, TimeSpan window, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        _permitLimit = permitLimit;
        // A little slack so requests sent a full window apart also arrive a full window apart.
        _window = window + TimeSpan.FromTicks(Math.Min(window.Ticks / 50, TimeSpan.FromMilliseconds(500).Ticks));
        _timeProvider = timeProvider;
        _lastUse = timeProvider.GetTimestamp();
    }

    public override TimeSpan? IdleDuration => _timeProvider.GetElapsedTime(Interlocked.Read(ref _lastUse));

    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = Math.Max(0, _permitLimit - _grants.Count),
        CurrentQueuedCount = Interlocked.Read(ref _queued),
        TotalSuccessfulLeases = Interlocked.Read(ref _successful),
    };

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        if (permitCount != 1 || !_gate.Wait(0))
        {
            return Lease.Failed;
        }

        try
        {
            var now = _timeProvider.GetTimestamp();
            Expire(now);
            if (_grants.Count >= _permitLimit)
            {
                return Lease.Failed;
            }

            Grant(now);
            return Lease.Acquired;
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(permitCount, 1);
        Interlocked.Increment(ref _queued);
        try
        {
            // One waiter at a time: FIFO-ish fairness and no thundering herd at the window edge.
            await _gate.WaitAsync(cancellationToken);
            try
            {
                while (true)
                {
                    var now = _timeProvider.GetTimestamp();
                    Expire(now);
                    if (_grants.Count < _permitLimit)
                    {
                        Grant(now);
                        return Lease.Acquired;
                    }

                    var wait = _window - _timeProvider.GetElapsedTime(_grants.Peek(), now);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, _timeProvider, cancellationToken);
                    }
                }
            }
            finally
            {
                _gate.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    private void Expire(long now)
    {
        while (_grants.Count > 0 && _timeProvider.GetElapsedTime(_grants.Peek(), now) >= _window)
        {
            _grants.Dequeue();
        }
    }

    private void Grant(long now)
    {
        _grants.Enqueue(now);
        Interlocked.Exchange(ref _lastUse, now);
        Interlocked.Increment(ref _successful);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true);
        public static readonly Lease Failed = new(false);

        public override bool IsAcquired => acquired;
        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
