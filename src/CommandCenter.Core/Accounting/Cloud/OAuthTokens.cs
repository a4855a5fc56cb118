using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CommandCenter.VendorSync.Http;

namespace CommandCenter.Accounting.Cloud;

/// <summary>A token endpoint's answer (authorization code or refresh grant).</summary>
public sealed record OAuthTokenAnswer(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] int? ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("token_type")] string? TokenType);

/// <summary>
/// Access and refresh tokens of the OAuth targets (QBO, Xero). Uses the stored access token while it is valid (with a
/// minute of margin), otherwise refreshes it with the refresh token at <see cref="AccountingEndpoint.TokenUrl"/> and
/// persists the rotated pair through <see cref="AccountingEndpoint.SaveCredentials"/> before anything uses it. Refreshes
/// of one connection run one at a time, and an endpoint built from credentials older than a rotation done here gets the
/// newest pair (so a refresh token is never presented twice by this process).
/// </summary>
public sealed class OAuthTokens(IHttpClientFactory httpClientFactory, TimeProvider time)
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _locks = new();
    private readonly ConcurrentDictionary<Guid, Rotation> _rotations = new();

    private sealed record Rotation(AccountingCredentials Latest, IReadOnlySet<string> Superseded);

    /// <summary>The credentials to use for this endpoint: its own, or the newer pair rotated here since it was built.</summary>
    public AccountingCredentials Current(AccountingEndpoint endpoint) =>
        _rotations.TryGetValue(endpoint.ConnectionId, out var rotation)
        && endpoint.Credentials.RefreshToken is { } refresh && rotation.Superseded.Contains(refresh)
            ? rotation.Latest
            : endpoint.Credentials;

    /// <summary>A valid access token (refreshed when missing or about to expire).</summary>
    public async Task<AccountingCredentials> GetAsync(AccountingEndpoint endpoint, string target, CancellationToken cancellationToken)
    {
        var current = Current(endpoint);
        return Fresh(current) ? current : await RefreshAsync(endpoint, target, current.AccessToken, cancellationToken);
    }

    /// <summary>
    /// Refreshes unless another call already replaced <paramref name="rejectedAccessToken"/> with a fresh token.
    /// Throws <see cref="AccountingAuthorizationException"/> when there is no refresh token or the target refuses it.
    /// </summary>
    public async Task<AccountingCredentials> RefreshAsync(AccountingEndpoint endpoint, string target, string? rejectedAccessToken, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(endpoint.ConnectionId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var current = Current(endpoint);
            if (current.AccessToken != rejectedAccessToken && Fresh(current))
            {
                return current;
            }

            if (string.IsNullOrEmpty(current.RefreshToken))
            {
                throw new AccountingAuthorizationException($"{target} is not authorised yet: connect {target} (Settings → Accounting).");
            }

            if (endpoint.TokenUrl is null)
            {
                throw new AccountingException($"{target} has no token URL configured.");
            }

            var answer = await RequestAsync(endpoint.TokenUrl, current.ClientId, current.ClientSecret, target, endpoint.TimeoutSeconds,
                new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = current.RefreshToken }, cancellationToken);
            var rotated = current with
            {
                AccessToken = answer.AccessToken,
                AccessTokenExpiresUtc = time.GetUtcNow().UtcDateTime.AddSeconds(answer.ExpiresIn is > 0 and var s ? s : 1800),
                RefreshToken = string.IsNullOrEmpty(answer.RefreshToken) ? current.RefreshToken : answer.RefreshToken,
            };

            // Persist before use: once the new refresh token is used, the old one is dead at the target.
            await endpoint.SaveCredentials(rotated, CancellationToken.None);
            var superseded = new HashSet<string>(StringComparer.Ordinal);
            if (_rotations.TryGetValue(endpoint.ConnectionId, out var previous))
            {
                superseded.UnionWith(previous.Superseded);
            }

            if (rotated.RefreshToken != current.RefreshToken)
            {
                superseded.Add(current.RefreshToken);
                if (endpoint.Credentials.RefreshToken is { } built)
                {
                    superseded.Add(built);
                }
            }

            superseded.Remove(rotated.RefreshToken!);
            _rotations[endpoint.ConnectionId] = new Rotation(rotated, superseded);
            return rotated;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The authorization-code grant (the connect flow's callback).</summary>
    public Task<OAuthTokenAnswer> ExchangeCodeAsync(Uri tokenUrl, string? clientId, string? clientSecret, string code, string redirectUri, string target, CancellationToken cancellationToken) =>
        RequestAsync(tokenUrl, clientId, clientSecret, target, AccountingConnection.DefaultTimeoutSeconds,
            new Dictionary<string, string> { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirectUri }, cancellationToken);

    private bool Fresh(AccountingCredentials c) =>
        !string.IsNullOrEmpty(c.AccessToken) && c.AccessTokenExpiresUtc is { } expires && expires - time.GetUtcNow().UtcDateTime > Margin;

    private async Task<OAuthTokenAnswer> RequestAsync(Uri tokenUrl, string? clientId, string? clientSecret, string target, int timeoutSeconds,
        Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenUrl) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(clientId ?? "") + ":" + Uri.EscapeDataString(clientSecret ?? ""))));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Clamp(timeoutSeconds, 1, 600)));
        string body;
        HttpStatusCode status;
        try
        {
            using var response = await httpClientFactory.CreateClient(CloudHttp.TokenClientName).SendAsync(request, timeout.Token);
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or OperationCanceledException)
        {
            throw new AccountingException($"{target}'s token endpoint could not be reached: {e.Message}", e);
        }

        if ((int)status is >= 200 and < 300)
        {
            try
            {
                var answer = JsonSerializer.Deserialize<OAuthTokenAnswer>(body);
                if (answer is { AccessToken.Length: > 0 })
                {
                    return answer;
                }
            }
            catch (JsonException)
            {
                // fall through
            }

            throw new AccountingException($"{target}'s token endpoint answered without an access token.");
        }

        var message = VendorErrors.MessageFrom(body);
        var error = ErrorCode(body);
        if (error is "invalid_grant" or "invalid_client" or "unauthorized_client" || status == HttpStatusCode.Unauthorized)
        {
            throw new AccountingAuthorizationException(
                $"{target} refused the stored authorization ({error ?? VendorErrors.Describe(status)}); connect {target} again.")
            { StatusCode = (int)status, Code = error };
        }

        throw new AccountingException($"{target}'s token endpoint answered {VendorErrors.Describe(status)}" + (message is null ? "" : $": {message}"))
        { StatusCode = (int)status, Code = error };
    }

    private static string? ErrorCode(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String
                ? e.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// Bearer auth of a cloud accounting client: a valid access token (refreshed as needed); on a 401 one refresh and one
/// retry; a second 401 → <see cref="AccountingAuthorizationException"/>.
/// </summary>
public abstract class OAuthHandler(OAuthTokens tokens) : DelegatingHandler
{
    protected abstract string Target { get; }

    protected virtual void Apply(HttpRequestMessage request, AccountingEndpoint endpoint, AccountingCredentials credentials) =>
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials.AccessToken);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var endpoint = CloudRequest.GetEndpoint(request);
        var credentials = await tokens.GetAsync(endpoint, Target, cancellationToken);
        Apply(request, endpoint, credentials);
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        credentials = await tokens.RefreshAsync(endpoint, Target, credentials.AccessToken, cancellationToken);
        Apply(request, endpoint, credentials);
        response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        throw new AccountingAuthorizationException($"{Target} refused a freshly refreshed access token; connect {Target} again.") { StatusCode = 401 };
    }
}
