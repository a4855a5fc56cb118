using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace CommandCenter.VendorSync.Http;

public sealed record AccessToken(string Value, DateTimeOffset ExpiresAt);

/// <summary>
/// Tokens per connection (keyed by <see cref="ConnectionRuntime.PipelineKey"/>, plus the customer tenant for Graph and
/// SonicWall), refreshed <see cref="VendorHttpOptions.TokenRefreshMargin"/> before they expire. One acquisition at a time
/// per key, so a burst of requests signs in once.
/// </summary>
public sealed class VendorTokenCache(TimeProvider timeProvider, IOptions<VendorHttpOptions> options)
{
    private readonly ConcurrentDictionary<string, AccessToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<AccessToken> GetAsync(string key, Func<CancellationToken, Task<AccessToken>> acquire, CancellationToken cancellationToken)
    {
        if (TryGetFresh(key) is { } cached)
        {
            return cached;
        }

        var gate = _locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (TryGetFresh(key) is { } raced)
            {
                return raced;
            }

            var token = await acquire(cancellationToken);
            _tokens[key] = token;
            return token;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Drops a token the vendor rejected (only if it is still the cached one).</summary>
    public void Invalidate(string key, AccessToken rejected) =>
        _tokens.TryRemove(new KeyValuePair<string, AccessToken>(key, rejected));

    private AccessToken? TryGetFresh(string key)
    {
        if (!_tokens.TryGetValue(key, out var token))
        {
            return null;
        }

        var lifetimeLeft = token.ExpiresAt - timeProvider.GetUtcNow();
        return lifetimeLeft > options.Value.TokenRefreshMargin ? token : null;
    }
}

/// <summary>
/// Token and sign-in calls: their own named HttpClient (with the same per-connection resilience pipeline, retried as
/// safe POSTs), never logging a secret, errors in the vendor's own words.
/// </summary>
public sealed class VendorTokenClient(IHttpClientFactory httpClientFactory, VendorConnectionRegistry registry, TimeProvider timeProvider)
{
    public const string HttpClientName = "CommandCenter.VendorSync.Tokens";

    public TimeProvider TimeProvider => timeProvider;

    /// <summary>Sends a sign-in request; returns the body of a 2xx answer, else throws a <see cref="VendorSyncException"/>.</summary>
    public async Task<string> SendAsync(ConnectionRuntime connection, HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        registry.Remember(connection);
        VendorRequest.Attach(request, connection, retryable: true);
        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return body;
            }

            var message = VendorErrors.MessageFrom(body);
            throw new VendorSyncException(
                $"{VendorCall.Name(connection)} {what} failed: {VendorErrors.Describe(response.StatusCode)}" + (message is null ? "" : $": {message}"))
            { StatusCode = response.StatusCode };
        }
        catch (Exception exception) when (VendorCall.Translate(connection, what, exception, cancellationToken) is { } translated)
        {
            throw translated;
        }
        finally
        {
            request.Dispose();
        }
    }

    /// <summary>An OAuth2 token answer (<c>access_token</c>, <c>expires_in</c>) → token with its expiry.</summary>
    public AccessToken ParseOAuth(ConnectionRuntime connection, string what, string body, TimeSpan defaultLifetime) =>
        VendorCall.Parse(connection, what, body, json =>
        {
            var answer = VendorJson.Deserialize<OAuthTokenAnswer>(json);
            if (string.IsNullOrWhiteSpace(answer.AccessToken))
            {
                throw new VendorSyncException($"{VendorCall.Name(connection)} {what} answered without an access token.");
            }

            var lifetime = answer.ExpiresIn is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : defaultLifetime;
            return new AccessToken(answer.AccessToken, timeProvider.GetUtcNow() + lifetime);
        });

    private sealed record OAuthTokenAnswer(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] double? ExpiresIn,
        [property: JsonPropertyName("token_type")] string? TokenType);
}

/// <summary>
/// Base of the bearer-token handlers: attaches the cached token for the request's connection (and tenant); on a 401
/// from the API drops the token and retries the request once with a fresh one.
/// </summary>
public abstract class TokenAuthHandler(VendorTokenCache cache) : DelegatingHandler
{
    protected abstract Task<AccessToken> AcquireAsync(ConnectionRuntime connection, string? tenant, CancellationToken cancellationToken);

    protected virtual string? TenantOf(ConnectionRuntime connection, HttpRequestMessage request) => VendorRequest.GetTenant(request);

    protected virtual void Apply(HttpRequestMessage request, AccessToken token) =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var connection = VendorRequest.GetConnection(request);
        var tenant = TenantOf(connection, request);
        var key = tenant is null ? connection.PipelineKey : $"{connection.PipelineKey}|{tenant}";

        var token = await cache.GetAsync(key, ct => AcquireAsync(connection, tenant, ct), cancellationToken);
        Apply(request, token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        // Expired or revoked early: one fresh sign-in, one retry.
        response.Dispose();
        cache.Invalidate(key, token);
        token = await cache.GetAsync(key, ct => AcquireAsync(connection, tenant, ct), cancellationToken);
        Apply(request, token);
        return await base.SendAsync(request, cancellationToken);
    }

    protected static StringContent Json(object body) =>
        new(JsonSerializer.Serialize(body, VendorJson.Options), System.Text.Encoding.UTF8, "application/json");
}
