using System.Threading.RateLimiting;

namespace CommandCenter.VendorSync.Http;

/// <summary>
/// An exact sliding-window limiter ("at most N requests in any window"), as Huntress enforces it. Requests queue
/// instead of being rejected. A request occupies its slot from the moment it is let through until a full window after
/// its answer arrived (the lease is released when the call returns): the vendor saw the request before it answered,
/// so the (N+1)-th request cannot reach the vendor within a window of the first, whatever the network latency.
/// (<see cref="SlidingWindowRateLimiter"/> is segment-based and lets a window hold slightly more than N requests at
/// segment edges, which a strict vendor answers with 429.)
/// </summary>
internal sealed class SlidingWindowLogRateLimiter : RateLimiter
{
    private static readonly TimeSpan InFlightPoll = TimeSpan.FromMilliseconds(25);
    private readonly int _permitLimit;
    private readonly TimeSpan _window;
    private readonly TimeProvider _timeProvider;
    private readonly Queue<Slot> _slots = new();
    private readonly Lock _slotsLock = new();
    private readonly SemaphoreSlim _waiters = new(1, 1);
    private long _lastUse;
    private long _successful;
    private long _queued;

    public SlidingWindowLogRateLimiter(int permitLimit, TimeSpan window, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        _permitLimit = permitLimit;
        // A little slack for clock granularity.
        _window = window + TimeSpan.FromTicks(Math.Min(window.Ticks / 100, TimeSpan.FromMilliseconds(250).Ticks));
        _timeProvider = timeProvider;
        _lastUse = timeProvider.GetTimestamp();
    }

    public override TimeSpan? IdleDuration => _timeProvider.GetElapsedTime(Interlocked.Read(ref _lastUse));

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_slotsLock)
        {
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = Math.Max(0, _permitLimit - _slots.Count),
                CurrentQueuedCount = Interlocked.Read(ref _queued),
                TotalSuccessfulLeases = Interlocked.Read(ref _successful),
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        if (permitCount != 1)
        {
            return Lease.Failed;
        }

        lock (_slotsLock)
        {
            return TryGrant(out _) ?? Lease.Failed;
        }
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(permitCount, 1);
        Interlocked.Increment(ref _queued);
        try
        {
            // One waiter at a time: first come, first served, and no thundering herd at the window edge.
            await _waiters.WaitAsync(cancellationToken);
            try
            {
                while (true)
                {
                    TimeSpan wait;
                    lock (_slotsLock)
                    {
                        if (TryGrant(out wait) is { } lease)
                        {
                            return lease;
                        }
                    }

                    await Task.Delay(wait, _timeProvider, cancellationToken);
                }
            }
            finally
            {
                _waiters.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    /// <summary>Under the lock: a lease, or null and how long to wait before looking again.</summary>
    private Lease? TryGrant(out TimeSpan wait)
    {
        var now = _timeProvider.GetTimestamp();
        while (_slots.Count > 0 && _slots.Peek() is { Done: true } oldest && _timeProvider.GetElapsedTime(oldest.Released, now) >= _window)
        {
            _slots.Dequeue();
        }

        if (_slots.Count < _permitLimit)
        {
            var slot = new Slot();
            _slots.Enqueue(slot);
            Interlocked.Exchange(ref _lastUse, now);
            Interlocked.Increment(ref _successful);
            wait = TimeSpan.Zero;
            return new Lease(this, slot);
        }

        var head = _slots.Peek();
        wait = head.Done ? _window - _timeProvider.GetElapsedTime(head.Released, now) : InFlightPoll;
        if (wait <= TimeSpan.Zero)
        {
            wait = TimeSpan.FromMilliseconds(1);
        }

        return null;
    }

    private void Release(Slot slot)
    {
        lock (_slotsLock)
        {
            if (!slot.Done)
            {
                slot.Released = _timeProvider.GetTimestamp();
                slot.Done = true;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _waiters.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class Slot
    {
        public long Released;
        public bool Done;
    }

    private sealed class Lease(SlidingWindowLogRateLimiter? owner, Slot? slot) : RateLimitLease
    {
        public static readonly Lease Failed = new(null, null);

        public override bool IsAcquired => slot is not null;
        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && owner is not null && slot is not null)
            {
                owner.Release(slot);
            }

            base.Dispose(disposing);
        }
    }
}
