using System.Collections.Concurrent;

namespace CommandCenter.VendorSync.Http;

/// <summary>
/// Remembers each connection seen on a request, so the resilience pipeline built for its
/// <see cref="ConnectionRuntime.PipelineKey"/> reads that connection's limits.
/// </summary>
public sealed class VendorConnectionRegistry
{
    private readonly ConcurrentDictionary<string, ConnectionRuntime> _connections = new(StringComparer.Ordinal);

    public void Remember(ConnectionRuntime connection) => _connections[connection.PipelineKey] = connection;

    public ConnectionRuntime? Find(string pipelineKey) =>
        _connections.TryGetValue(pipelineKey, out var connection) ? connection : null;
}

/// <summary>
/// Moves a Refit request (built against <see cref="PlaceholderBaseAddress"/>) onto the connection's BaseUrl: base path
/// + relative path + query. An absolute next link (<see cref="VendorRequest.NextLink"/>) replaces the URI when it points
/// at the same scheme, host and port as the BaseUrl; any other next link is refused.
/// </summary>
public sealed class VendorRoutingHandler(VendorConnectionRegistry registry) : DelegatingHandler
{
    /// <summary>The base address every vendor Refit client is built with; never sent anywhere.</summary>
    public static readonly Uri PlaceholderBaseAddress = new("https://vendor.invalid/");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var connection = VendorRequest.GetConnection(request);
        registry.Remember(connection);
        request.RequestUri = Route(connection, request.RequestUri, NextLinkOf(request));
        return base.SendAsync(request, cancellationToken);
    }

    private static string? NextLinkOf(HttpRequestMessage request) =>
        request.Options.TryGetValue(VendorRequest.NextLinkKey, out var link) && !string.IsNullOrWhiteSpace(link) ? link : null;

    /// <summary>The URI a request goes to (public for tests and for out-of-band calls).</summary>
    public static Uri Route(ConnectionRuntime connection, Uri? requestUri, string? nextLink = null)
    {
        if (nextLink is not null)
        {
            if (!Uri.TryCreate(nextLink, UriKind.Absolute, out var next) || !SameOrigin(next, connection.BaseUrl))
            {
                throw new VendorSyncException(
                    $"{VendorKinds.DisplayName(connection.Kind)} returned a next link to another host ({SafeHost(nextLink)}); it was not followed.");
            }

            return next;
        }

        var pathAndQuery = requestUri is null ? "/" : requestUri.IsAbsoluteUri ? requestUri.PathAndQuery : requestUri.OriginalString;
        return Combine(connection.BaseUrl, pathAndQuery);
    }

    /// <summary>
    /// BaseUrl path + relative path. When the base already ends with the version segment the path starts with
    /// (a BaseUrl entered as https://api.huntress.io/v1 for paths /v1/...), the segment is not doubled.
    /// </summary>
    public static Uri Combine(Uri baseUrl, string pathAndQuery)
    {
        var basePath = baseUrl.AbsolutePath.TrimEnd('/');
        var relative = pathAndQuery.StartsWith('/') ? pathAndQuery : "/" + pathAndQuery;
        var lastSegment = basePath[(basePath.LastIndexOf('/') + 1)..];
        if (lastSegment.Length > 0
            && (relative.StartsWith("/" + lastSegment + "/", StringComparison.OrdinalIgnoreCase)
                || relative.StartsWith("/" + lastSegment + "?", StringComparison.OrdinalIgnoreCase))
            && lastSegment.StartsWith('v') && lastSegment.Length > 1 && char.IsDigit(lastSegment[1]))
        {
            basePath = basePath[..^(lastSegment.Length + 1)];
        }

        return new Uri(baseUrl.GetLeftPart(UriPartial.Authority) + basePath + relative);
    }

    public static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    private static string SafeHost(string link) =>
        Uri.TryCreate(link, UriKind.Absolute, out var uri) ? uri.Host : "an invalid address";
}
