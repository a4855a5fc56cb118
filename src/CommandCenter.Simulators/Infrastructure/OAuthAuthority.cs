using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace CommandCenter.Simulators.Infrastructure;

/// <summary>
/// The authorization-code half of the simulated QBO and Xero identity servers: single-use codes bound to client and
/// redirect URI (10 minutes), and rotating refresh tokens. Each consent starts a family of refresh tokens; a refresh
/// hands out the next one, and a token is refused (<c>invalid_grant</c>) as soon as a newer one of its family was used.
/// </summary>
internal sealed class OAuthAuthority(TimeProvider time)
{
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CodeGrant> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RefreshGrant> _refresh = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, int> _familyNewestUsed = [];

    private sealed record CodeGrant(string Vendor, string ClientId, string RedirectUri, string Subject, string Scope, DateTimeOffset ExpiresAt);

    private sealed record RefreshGrant(string Vendor, string ClientId, string Subject, string Scope, Guid Family, int Generation);

    public sealed record Grant(string Subject, string Scope, string RefreshToken);

    public string IssueCode(string vendor, string clientId, string redirectUri, string subject, string scope)
    {
        var code = Random("code_");
        lock (_gate)
        {
            _codes[code] = new CodeGrant(vendor, clientId, redirectUri, subject, scope, time.GetUtcNow() + CodeLifetime);
        }

        return code;
    }

    /// <summary>Redeems a code once (a second use fails); null when unknown, expired, or for another client or redirect URI.</summary>
    public Grant? RedeemCode(string vendor, string? code, string clientId, string? redirectUri)
    {
        lock (_gate)
        {
            if (code is null || !_codes.Remove(code, out var grant) || grant.Vendor != vendor || grant.ClientId != clientId
                || grant.RedirectUri != redirectUri || time.GetUtcNow() >= grant.ExpiresAt)
            {
                return null;
            }

            return new Grant(grant.Subject, grant.Scope, NewRefresh(vendor, clientId, grant.Subject, grant.Scope, Guid.NewGuid(), 0));
        }
    }

    /// <summary>Uses a refresh token: the next one of its family, or null (invalid_grant) when unknown or superseded.</summary>
    public Grant? Refresh(string vendor, string? refreshToken, string clientId)
    {
        lock (_gate)
        {
            if (refreshToken is null || !_refresh.TryGetValue(refreshToken, out var grant) || grant.Vendor != vendor || grant.ClientId != clientId)
            {
                return null;
            }

            if (_familyNewestUsed.TryGetValue(grant.Family, out var newestUsed) && newestUsed > grant.Generation)
            {
                return null; // a newer token of this family was used already: this one was rotated away
            }

            _familyNewestUsed[grant.Family] = grant.Generation;
            return new Grant(grant.Subject, grant.Scope, NewRefresh(vendor, clientId, grant.Subject, grant.Scope, grant.Family, grant.Generation + 1));
        }
    }

    private string NewRefresh(string vendor, string clientId, string subject, string scope, Guid family, int generation)
    {
        var token = Random("rt_");
        _refresh[token] = new RefreshGrant(vendor, clientId, subject, scope, family, generation);
        return token;
    }

    private static string Random(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Client credentials from <c>Authorization: Basic</c> or, failing that, the form's client_id / client_secret.</summary>
    public static (string? ClientId, string? ClientSecret) ClientOf(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    return (WebUtility.UrlDecode(decoded[..colon]), WebUtility.UrlDecode(decoded[(colon + 1)..]));
                }
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }

        return (form["client_id"].ToString() is { Length: > 0 } id ? id : null, form["client_secret"].ToString() is { Length: > 0 } secret ? secret : null);
    }

    /// <summary>
    /// The authorize request's checks both identity servers make, in order: the client id (an error page, nothing
    /// redirected), the redirect URI (an error page), the response type and the scopes (redirected back with an error),
    /// then the consent page — or straight to <paramref name="approveUrl"/> with <c>auto_approve=true</c> (tests).
    /// </summary>
    public static IResult Authorize(HttpRequest request, string clientId, Func<string, string, IResult> errorPage, Func<string, bool> scopesOk,
        string approveUrl, string vendorName, string company)
    {
        var q = request.Query;
        if (q["client_id"].ToString() != clientId)
        {
            return errorPage("unauthorized_client", "Invalid client_id");
        }

        var redirectUri = q["redirect_uri"].ToString();
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out _))
        {
            return errorPage("invalid_request", "Invalid redirect_uri");
        }

        var state = q["state"].ToString();
        if (q["response_type"].ToString() != "code")
        {
            return Results.Redirect(RedirectTo(redirectUri, [new("error", "unsupported_response_type"), new("state", state)]));
        }

        if (!scopesOk(q["scope"].ToString()))
        {
            return Results.Redirect(RedirectTo(redirectUri, [new("error", "invalid_scope"), new("state", state)]));
        }

        var approve = approveUrl + request.QueryString;
        if (q["auto_approve"].ToString() == "true")
        {
            return Results.Redirect(approve);
        }

        var deny = RedirectTo(redirectUri, [new("error", "access_denied"), new("state", state)]);
        return ConsentPage(vendorName, "Command Center", company, q["scope"].ToString(), approve, deny);
    }

    /// <summary>redirect_uri + code/state (and extra parameters) as the identity servers redirect back.</summary>
    public static string RedirectTo(string redirectUri, IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var query = string.Join('&', parameters.Where(p => p.Value is not null).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}"));
        return redirectUri + (redirectUri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
    }

    /// <summary>The small consent page both simulated vendors show (one link authorises, one declines).</summary>
    public static IResult ConsentPage(string vendorName, string appName, string company, string scope, string approveUrl, string denyUrl)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{E(vendorName)}: connect {E(appName)}</title></head>
            <body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">
            <h1>{E(vendorName)} (simulator)</h1>
            <p><strong>{E(appName)}</strong> wants access to <strong data-testid="consent-company">{E(company)}</strong>.</p>
            <p>Scopes: <code>{E(scope)}</code></p>
            <p><a id="authorize" data-testid="consent-authorize" href="{E(approveUrl)}">Authorize</a>
            &nbsp; <a id="cancel" data-testid="consent-cancel" href="{E(denyUrl)}">Cancel</a></p>
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }
}
