namespace CommandCenter.VendorSync.Http;

/// <summary>
/// The per-request context that travels on <see cref="HttpRequestMessage.Options"/> (Refit <c>[Property]</c>
/// parameters): handlers live in their own DI scope, so the connection, its credentials and the paging override are
/// carried by the request itself.
/// </summary>
public static class VendorRequest
{
    /// <summary>The <see cref="ConnectionRuntime"/> the request belongs to (required on every vendor request).</summary>
    public const string Connection = "CommandCenter.VendorSync.Connection";

    /// <summary>An absolute "next link" (Graph <c>@odata.nextLink</c>) that replaces the request URI; same host as BaseUrl only.</summary>
    public const string NextLink = "CommandCenter.VendorSync.NextLink";

    /// <summary>A sub-tenant the request is for (Graph customer tenant id, SonicWall NSM tenant id): selects the token.</summary>
    public const string Tenant = "CommandCenter.VendorSync.Tenant";

    /// <summary>Marks a POST as safe to retry (token requests); GETs are always retried.</summary>
    public const string Retryable = "CommandCenter.VendorSync.Retryable";

    internal static readonly HttpRequestOptionsKey<ConnectionRuntime> ConnectionKey = new(Connection);
    internal static readonly HttpRequestOptionsKey<string> NextLinkKey = new(NextLink);
    internal static readonly HttpRequestOptionsKey<string> TenantKey = new(Tenant);
    internal static readonly HttpRequestOptionsKey<bool> RetryableKey = new(Retryable);

    public static ConnectionRuntime GetConnection(HttpRequestMessage request) =>
        TryGetConnection(request) ?? throw new InvalidOperationException(
            "A vendor request carries no ConnectionRuntime: pass it as a Refit [Property(VendorRequest.Connection)] parameter.");

    public static ConnectionRuntime? TryGetConnection(HttpRequestMessage request) =>
        request.Options.TryGetValue(ConnectionKey, out var connection) ? connection : null;

    public static string? GetTenant(HttpRequestMessage request) =>
        request.Options.TryGetValue(TenantKey, out var tenant) && !string.IsNullOrWhiteSpace(tenant) ? tenant : null;

    public static bool IsRetryable(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head
        || (request.Options.TryGetValue(RetryableKey, out var retryable) && retryable);

    /// <summary>Marks an out-of-band request (token call) with its connection so the resilience pipeline applies.</summary>
    internal static void Attach(HttpRequestMessage request, ConnectionRuntime connection, bool retryable)
    {
        request.Options.Set(ConnectionKey, connection);
        request.Options.Set(RetryableKey, retryable);
    }
}
