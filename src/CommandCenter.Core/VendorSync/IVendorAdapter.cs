namespace CommandCenter.VendorSync;

/// <summary>
/// The credentials of a connection, decrypted only for the duration of a call. Which fields are used depends on the
/// vendor: NinjaOne/Pax8/Graph client id + secret (Graph also the partner tenant id), Huntress API key + secret,
/// SonicWall the MySonicWall API key.
/// </summary>
public sealed record VendorCredentials(
    string? ClientId = null,
    string? ClientSecret = null,
    string? ApiKey = null,
    string? ApiSecret = null,
    string? TenantId = null)
{
    /// <summary>Never print a secret: records print their members by default.</summary>
    public override string ToString() => "VendorCredentials { *** }";
}

/// <summary>Per-connection HTTP limits; null values mean the vendor's documented default.</summary>
public sealed record ConnectionLimits(int? RequestsPerMinute, int? PageSize, int TimeoutSeconds, int MaxRetries);

/// <summary>Everything an adapter needs to talk to one vendor account. Travels on each request (HttpRequestMessage.Options).</summary>
public sealed record ConnectionRuntime(
    Guid ConnectionId,
    Guid TenantId,
    VendorKind Kind,
    Uri BaseUrl,
    Uri? TokenUrl,
    string? InventoryPath,
    VendorCredentials Credentials,
    ConnectionLimits Limits,
    int SettingsVersion)
{
    /// <summary>Identifies this connection's HTTP pipeline (rate limiter, circuit breaker, token cache): never shared across connections or settings versions.</summary>
    public string PipelineKey => $"{ConnectionId:N}:{SettingsVersion}";
}

/// <summary>Live progress of a running sync (organisations, pages and items so far).</summary>
public interface ISyncProgress
{
    void Organizations(int count);
    void Page(int items);
}

public sealed class NullSyncProgress : ISyncProgress
{
    public static NullSyncProgress Instance { get; } = new();
    public void Organizations(int count) { }
    public void Page(int items) { }
}

public sealed record FetchedOrganization(string ExternalId, string Name);

/// <summary>The evidence of one metric of one organisation; the sync turns it into a <see cref="CountSnapshot"/>.</summary>
public sealed record FetchedMetric(string OrganizationExternalId, string Metric, IReadOnlyList<VendorAsset> Assets, IReadOnlyList<LicenceSubscription> Licences);

/// <summary>
/// A complete read of a vendor account. Every organisation returned gets a metric entry (possibly empty), so an
/// organisation with no devices has a snapshot of 0 rather than no snapshot.
/// </summary>
public sealed record VendorFetch(IReadOnlyList<FetchedOrganization> Organizations, IReadOnlyList<FetchedMetric> Metrics);

public sealed record ConnectionTestResult(bool Ok, string Message);

/// <summary>One vendor's API behind one interface. Registered keyed by <see cref="VendorKind"/>.</summary>
public interface IVendorAdapter
{
    VendorKind Kind { get; }

    /// <summary>Signs in and reads one small page; the message says what was seen or the vendor's own error.</summary>
    Task<ConnectionTestResult> TestAsync(ConnectionRuntime connection, CancellationToken cancellationToken);

    /// <summary>Reads every organisation and its evidence, following the vendor's pagination. Throws <see cref="VendorSyncException"/> on failure.</summary>
    Task<VendorFetch> FetchAsync(ConnectionRuntime connection, ISyncProgress progress, CancellationToken cancellationToken);
}

/// <summary>A sync failed; the message is what the user sees on the connection's health (the vendor's own words where it gave any).</summary>
public sealed class VendorSyncException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The vendor's HTTP status when the failure was an HTTP error answer; null for transport, timeout and parse failures.</summary>
    public System.Net.HttpStatusCode? StatusCode { get; init; }
}
