namespace CommandCenter.Simulators.Infrastructure;

/// <summary>Huntress's limit: N requests per account in any 60-second window (request N+1 waits for the oldest to age out).</summary>
internal sealed class SlidingWindowLimiter(TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _requests = new(StringComparer.Ordinal);

    /// <summary>Records the request and returns null, or returns the seconds to wait without recording it.</summary>
    public int? TryAcquire(string key, int limit)
    {
        if (limit <= 0)
        {
            return null;
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_requests.TryGetValue(key, out var queue))
            {
                _requests[key] = queue = new Queue<DateTimeOffset>();
            }

            while (queue.Count > 0 && now - queue.Peek() >= Window)
            {
                queue.Dequeue();
            }

            if (queue.Count >= limit)
            {
                return Math.Max(1, (int)Math.Ceiling((queue.Peek() + Window - now).TotalSeconds));
            }

            queue.Enqueue(now);
            return null;
        }
    }
}
