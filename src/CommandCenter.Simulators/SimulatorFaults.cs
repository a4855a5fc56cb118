namespace CommandCenter.Simulators;

/// <summary>What a queued fault does to the request it hits.</summary>
public enum FaultKind
{
    /// <summary>"429": the vendor's rate-limit answer with <c>Retry-After</c>.</summary>
    TooManyRequests = 0,

    /// <summary>"500": the vendor's server error.</summary>
    ServerError = 1,

    /// <summary>"timeout": waits <see cref="FaultSpec.DelaySeconds"/> (ends early if the caller gives up), then answers normally.</summary>
    Timeout = 2,

    /// <summary>"malformed": 200 with a body that is not JSON.</summary>
    Malformed = 3,

    /// <summary>"truncated": 200 with the real body cut in the middle.</summary>
    Truncated = 4,

    /// <summary>"empty-page": 200 with an empty page in the vendor's envelope.</summary>
    EmptyPage = 5,

    /// <summary>"expired-token": 401 as for an expired token; the presented token stays invalid afterwards.</summary>
    ExpiredToken = 6,

    /// <summary>"commit-timeout" (accounting creates): the document is created, then the answer is held back <see cref="FaultSpec.DelaySeconds"/> (or until the caller gives up).</summary>
    CommitTimeout = 7,

    /// <summary>"reject" (accounting): the target's validation error answer; nothing is created.</summary>
    Reject = 8,

    /// <summary>"503": the vendor (or its gateway) is briefly unavailable; no Retry-After.</summary>
    ServiceUnavailable = 9,
}

/// <summary>
/// A fault to queue: the next <see cref="Count"/> requests to <see cref="Vendor"/> whose path contains
/// <see cref="PathContains"/> (any data request when null; token requests only when it names their path) get it.
/// </summary>
public sealed record FaultSpec(
    string Vendor,
    FaultKind Kind,
    int Count = 1,
    string? PathContains = null,
    int RetryAfterSeconds = 1,
    double DelaySeconds = 30);

/// <summary>A queued fault and how many requests it still applies to.</summary>
public sealed record PendingFault(long Id, string Vendor, string Kind, int Remaining, string? PathContains, int RetryAfterSeconds, double DelaySeconds);

/// <summary>The queue of pending faults (thread-safe). Faults are consumed in the order they were queued.</summary>
public sealed class SimulatorFaults
{
    public static readonly IReadOnlyList<string> Vendors = ["ninjaone", "pax8", "huntress", "sonicwall", "graph", "conductor", "qbo", "xero"];

    private static readonly Dictionary<string, FaultKind> KindsByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["429"] = FaultKind.TooManyRequests,
        ["500"] = FaultKind.ServerError,
        ["503"] = FaultKind.ServiceUnavailable,
        ["timeout"] = FaultKind.Timeout,
        ["malformed"] = FaultKind.Malformed,
        ["truncated"] = FaultKind.Truncated,
        ["empty-page"] = FaultKind.EmptyPage,
        ["expired-token"] = FaultKind.ExpiredToken,
        ["commit-timeout"] = FaultKind.CommitTimeout,
        ["reject"] = FaultKind.Reject,
    };

    private readonly Lock _gate = new();
    private readonly List<Entry> _queue = [];
    private long _nextId = 1;

    private sealed class Entry(long id, FaultSpec spec)
    {
        public long Id { get; } = id;
        public FaultSpec Spec { get; } = spec;
        public int Remaining { get; set; } = spec.Count;
    }

    /// <summary>The wire name of a kind ("429", "timeout", "empty-page", ...).</summary>
    public static string NameOf(FaultKind kind) => KindsByName.First(k => k.Value == kind).Key;

    public static bool TryParseKind(string? name, out FaultKind kind) => KindsByName.TryGetValue(name ?? "", out kind);

    public PendingFault Enqueue(FaultSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!Vendors.Contains(spec.Vendor, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Unknown vendor '{spec.Vendor}'; use one of {string.Join(", ", Vendors)}.", nameof(spec));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(spec.RetryAfterSeconds);
        ArgumentOutOfRangeException.ThrowIfNegative(spec.DelaySeconds);
        lock (_gate)
        {
            var entry = new Entry(_nextId++, spec with { Vendor = spec.Vendor.ToLowerInvariant() });
            _queue.Add(entry);
            return ToPending(entry);
        }
    }

    public PendingFault Enqueue(string vendor, FaultKind kind, int count = 1, string? pathContains = null) =>
        Enqueue(new FaultSpec(vendor, kind, count, pathContains));

    public void Clear()
    {
        lock (_gate)
        {
            _queue.Clear();
        }
    }

    public IReadOnlyList<PendingFault> Pending
    {
        get
        {
            lock (_gate)
            {
                return [.. _queue.Select(ToPending)];
            }
        }
    }

    /// <summary>Takes one use of the first fault that matches the request, if any.</summary>
    internal FaultSpec? TryTake(string vendor, string path, bool isTokenRequest)
    {
        lock (_gate)
        {
            foreach (var entry in _queue)
            {
                var spec = entry.Spec;
                if (spec.Vendor != vendor)
                {
                    continue;
                }

                var pathMatches = spec.PathContains is null
                    ? !isTokenRequest
                    : path.Contains(spec.PathContains, StringComparison.OrdinalIgnoreCase);
                if (!pathMatches)
                {
                    continue;
                }

                if (--entry.Remaining <= 0)
                {
                    _queue.Remove(entry);
                }

                return spec;
            }

            return null;
        }
    }

    private static PendingFault ToPending(Entry e) =>
        new(e.Id, e.Spec.Vendor, NameOf(e.Spec.Kind), e.Remaining, e.Spec.PathContains, e.Spec.RetryAfterSeconds, e.Spec.DelaySeconds);
}
