using System.Security.Claims;
using System.Text.Encodings.Web;
using CommandCenter.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Infrastructure;

internal sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions;

/// <summary>Authenticates <c>/api/v1</c> calls by the <c>X-Api-Key</c> header; the key decides the tenant.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeys.Authenticator authenticator,
    IProblemDetailsService problems)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
        {
            return AuthenticateResult.NoResult();
        }

        var match = await authenticator.AuthenticateAsync(values.ToString(), Context.RequestAborted);
        if (match is null)
        {
            return AuthenticateResult.Fail("The API key is not valid or was revoked.");
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, $"api-key:{match.Name}"),
            new Claim(AppClaims.TenantId, match.TenantId.ToString()),
            new Claim(AppClaims.ApiKeyId, match.KeyId.ToString()),
            // The key's role: the API's role policies (IdentitySetup) read it like a signed-in user's.
            new Claim(ClaimTypes.Role, match.Role),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>A valid key whose role may not do this: 403 with a problem body (within its own tenant, so nothing leaks).</summary>
    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Forbidden",
                Detail = "This API key's role may not do this (Settings → API keys).",
            },
        });
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        var presented = Request.Headers.ContainsKey(HeaderName);
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = presented ? "The API key is not valid or was revoked." : $"Send a tenant API key in the {HeaderName} header.",
            },
        });
    }
}
