using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using CommandCenter.Accounting;
using CommandCenter.Accounting.Cloud;
using CommandCenter.Accounting.Xero;
using CommandCenter.Audit;
using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Features.Accounting;

/// <summary>
/// The OAuth authorization-code connect flow of QuickBooks Online and Xero (Owner only):
/// <c>GET /accounting/oauth/connect</c> sends the owner to the target's consent page with a state bound to tenant,
/// user, connection and a 15-minute expiry (Data Protection); <c>GET /accounting/oauth/callback</c> checks the state,
/// exchanges the code, stores the tokens and the company (QBO realmId from the callback, Xero tenant from
/// <c>GET /connections</c>) encrypted, marks the connection Connected, audits <c>accounting.authorized</c> and returns
/// to <c>/settings/accounting?connected=1</c> (or <c>?error=…</c>).
/// </summary>
public static class AccountingOAuthEndpoints
{
    public const string ConnectPath = "/accounting/oauth/connect";
    public const string CallbackPath = "/accounting/oauth/callback";
    public const string SettingsPath = "/settings/accounting";
    public const string QboScope = "com.intuit.quickbooks.accounting";
    public const string XeroScope = "offline_access accounting.invoices accounting.contacts accounting.settings";
    private const string StatePurpose = "CommandCenter.Accounting.OAuthState.v1";
    private static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(15);

    public static IEndpointRouteBuilder MapAccountingOAuth(this IEndpointRouteBuilder app)
    {
        var owner = new AuthorizeAttribute { Roles = Roles.Owner };
        app.MapGet(ConnectPath, ConnectAsync).RequireAuthorization(owner).ExcludeFromDescription();
        app.MapGet(CallbackPath, CallbackAsync).RequireAuthorization(owner).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ConnectAsync(HttpContext http, TenantDb tenantDb, AccountingCredentialProtector protector,
        IDataProtectionProvider dataProtection, TimeProvider time, CancellationToken cancellationToken)
    {
        var scope = await tenantDb.ScopeAsync(cancellationToken);
        await using var db = await tenantDb.OpenAsync(cancellationToken);
        var connection = await db.AccountingConnections.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        if (connection is null || connection.Kind is not (AccountingKind.Qbo or AccountingKind.Xero))
        {
            return Back(error: "Choose QuickBooks Online or Xero as the accounting system and save it before connecting.");
        }

        AccountingCredentials credentials;
        try
        {
            credentials = protector.Unprotect(connection.ProtectedCredentials);
        }
        catch (AccountingException e)
        {
            return Back(error: e.Message);
        }

        if (string.IsNullOrWhiteSpace(credentials.ClientId) || string.IsNullOrWhiteSpace(credentials.ClientSecret))
        {
            return Back(error: $"Enter the {AccountingEndpoints.DisplayName(connection.Kind)} app's client id and secret before connecting.");
        }

        var authorize = connection.AuthorizeUrl is { Length: > 0 } url ? new Uri(url) : AccountingEndpoints.DefaultAuthorizeUrl(connection.Kind)!;
        var expires = time.GetUtcNow().Add(StateLifetime).UtcTicks;
        var state = dataProtection.CreateProtector(StatePurpose).Protect(
            string.Join('|', scope.TenantId.ToString("N"), scope.Actor, connection.Id.ToString("N"), expires.ToString(CultureInfo.InvariantCulture)));
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = credentials.ClientId,
            ["redirect_uri"] = RedirectUri(http),
            ["response_type"] = "code",
            ["scope"] = connection.Kind == AccountingKind.Qbo ? QboScope : XeroScope,
            ["state"] = state,
        };
        return Results.Redirect(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(authorize.ToString(), query));
    }

    private static async Task<IResult> CallbackAsync(HttpContext http, TenantDb tenantDb, AccountingCredentialProtector protector,
        IDataProtectionProvider dataProtection, OAuthTokens tokens, IHttpClientFactory httpClientFactory, AuditWriter audit, TimeProvider time,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var q = http.Request.Query;
        if (q["error"].ToString() is { Length: > 0 } refused)
        {
            return Back(error: refused == "access_denied" ? "The connection was cancelled at the accounting system." : $"The accounting system refused the connection ({refused}).");
        }

        var scope = await tenantDb.ScopeAsync(cancellationToken);
        if (!TryReadState(dataProtection, q["state"].ToString(), time, out var tenantId, out var actor, out var connectionId)
            || tenantId != scope.TenantId || actor != scope.Actor)
        {
            return Back(error: "The connect link expired or belongs to another session; start again with Connect.");
        }

        var code = q["code"].ToString();
        if (code.Length == 0)
        {
            return Back(error: "The accounting system sent no authorization code; start again with Connect.");
        }

        await using var db = await tenantDb.OpenAsync(cancellationToken);
        var connection = await db.AccountingConnections.FirstOrDefaultAsync(c => c.Id == connectionId, cancellationToken);
        if (connection is null || connection.Kind is not (AccountingKind.Qbo or AccountingKind.Xero))
        {
            return Back(error: "The accounting connection changed while connecting; start again with Connect.");
        }

        var name = AccountingEndpoints.DisplayName(connection.Kind);
        try
        {
            var credentials = protector.Unprotect(connection.ProtectedCredentials);
            var tokenUrl = connection.TokenUrl is { Length: > 0 } t ? new Uri(t) : AccountingEndpoints.DefaultTokenUrl(connection.Kind)!;
            var answer = await tokens.ExchangeCodeAsync(tokenUrl, credentials.ClientId, credentials.ClientSecret, code, RedirectUri(http), name, cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            credentials = credentials with
            {
                AccessToken = answer.AccessToken,
                AccessTokenExpiresUtc = now.AddSeconds(answer.ExpiresIn is > 0 and var s ? s : 1800),
                RefreshToken = answer.RefreshToken,
            };
            if (connection.Kind == AccountingKind.Qbo)
            {
                var realmId = q["realmId"].ToString();
                if (realmId.Length == 0)
                {
                    return Back(error: "QuickBooks Online did not say which company was connected (no realmId); start again with Connect.");
                }

                credentials = credentials with { RealmId = realmId };
            }
            else
            {
                var baseUrl = connection.BaseUrl is { Length: > 0 } b ? new Uri(b) : AccountingEndpoints.DefaultBaseUrl(connection.Kind);
                credentials = credentials with { XeroTenantId = await XeroTenantAsync(httpClientFactory, XeroRegistration.ConnectionsUrl(baseUrl), answer.AccessToken!, cancellationToken) };
            }

            connection.ProtectedCredentials = protector.Protect(credentials);
            connection.CredentialHint = AccountingCredentialProtector.Hint(connection.Kind, credentials);
            connection.Status = AccountingStatus.Connected;
            connection.LastError = null;
            connection.LastCheckedUtc = now;
            connection.UpdatedUtc = now;
            connection.SettingsVersion++;
            audit.Record(db, "accounting.authorized", nameof(AccountingConnection), connection.Id, null, new { kind = connection.Kind, hint = connection.CredentialHint });
            await db.SaveChangesAsync(cancellationToken);
            return Back(connected: true);
        }
        catch (AccountingException e)
        {
            loggers.CreateLogger(typeof(AccountingOAuthEndpoints)).LogWarning("Connecting {Target} failed: {Message}", name, e.Message);
            return Back(error: e.Message);
        }
    }

    /// <summary>GET /connections with the new token: the organisation this consent granted (the first one).</summary>
    private static async Task<string> XeroTenantAsync(IHttpClientFactory factory, Uri connectionsUrl, string accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, connectionsUrl);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await factory.CreateClient(CloudHttp.TokenClientName).SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new AccountingException($"Xero's connections list answered {(int)response.StatusCode}.");
        }

        using var document = JsonDocument.Parse(body);
        foreach (var connection in document.RootElement.EnumerateArray())
        {
            if (connection.TryGetProperty("tenantType", out var type) && type.GetString() != "ORGANISATION")
            {
                continue;
            }

            if (connection.TryGetProperty("tenantId", out var tenant) && tenant.GetString() is { Length: > 0 } id)
            {
                return id;
            }
        }

        throw new AccountingException("Xero granted access to no organisation; connect again and pick one.");
    }

    private static bool TryReadState(IDataProtectionProvider dataProtection, string state, TimeProvider time, out Guid tenantId, out string actor, out Guid connectionId)
    {
        tenantId = Guid.Empty;
        connectionId = Guid.Empty;
        actor = "";
        if (state.Length == 0)
        {
            return false;
        }

        string text;
        try
        {
            text = dataProtection.CreateProtector(StatePurpose).Unprotect(state);
        }
        catch (CryptographicException)
        {
            return false;
        }

        var parts = text.Split('|');
        if (parts.Length != 4 || !Guid.TryParse(parts[0], out tenantId) || !Guid.TryParse(parts[2], out connectionId)
            || !long.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var expires))
        {
            return false;
        }

        actor = parts[1];
        return time.GetUtcNow().UtcTicks < expires;
    }

    private static string RedirectUri(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{CallbackPath}";

    private static IResult Back(bool connected = false, string? error = null) =>
        Results.Redirect(connected ? SettingsPath + "?connected=1" : SettingsPath + "?error=" + Uri.EscapeDataString(error ?? "unknown"));
}
