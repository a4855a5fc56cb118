namespace CommandCenter.VendorSync.Http;

/// <summary>
/// Process-wide knobs of the vendor HTTP pipeline. Per-connection limits come from <see cref="ConnectionLimits"/>;
/// these only shape the policy (and let tests scale time down).
/// </summary>
public sealed class VendorHttpOptions
{
    /// <summary>The window <see cref="ConnectionLimits.RequestsPerMinute"/> applies to. One minute in production; tests shrink it.</summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>First retry delay; doubles per attempt (with jitter) unless the vendor sends Retry-After.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest delay between retries (also caps a vendor's Retry-After).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Failure ratio over <see cref="CircuitSamplingDuration"/> that opens a connection's circuit.</summary>
    public double CircuitFailureRatio { get; set; } = 0.5;
    public int CircuitMinimumThroughput { get; set; } = 20;
    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Refresh a cached token this long before it expires.</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The vendor's documented (or a modest) request limit per minute, used when the connection leaves it null.</summary>
    public static int DefaultRequestsPerMinute(VendorKind kind) => kind switch
    {
        VendorKind.Huntress => 60,
        VendorKind.Pax8 => 1000,
        _ => 600,
    };

    public static int DefaultPageSize(VendorKind kind) => kind switch
    {
        VendorKind.NinjaOne => 1000,
        VendorKind.Pax8 => 200,
        VendorKind.Huntress => 500,
        _ => 100,
    };

    public static int MaxPageSize(VendorKind kind) => kind switch
    {
        VendorKind.Pax8 => 200,
        VendorKind.Huntress => 500,
        _ => 1000,
    };

    /// <summary>The page size for a connection: its own setting clamped to the vendor's maximum, else the default.</summary>
    public static int PageSize(ConnectionRuntime connection) =>
        connection.Limits.PageSize is > 0 and var size
            ? Math.Min(size, MaxPageSize(connection.Kind))
            : DefaultPageSize(connection.Kind);
}
