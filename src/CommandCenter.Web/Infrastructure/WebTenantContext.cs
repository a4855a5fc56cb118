using System.Security.Claims;
using CommandCenter.Common;
using CommandCenter.Tenancy;
using Microsoft.AspNetCore.Components.Authorization;

namespace CommandCenter.Web.Infrastructure;

/// <summary>
/// The tenant of the current HTTP request (cookie or API key) or of the current Blazor circuit.
/// HTTP requests get their principal from <see cref="TenantPrincipalMiddleware"/>; a circuit has its own DI scope
/// where that middleware never ran, so it asks the circuit's authentication state instead.
/// </summary>
internal sealed class WebTenantContext(IServiceProvider services) : ITenantContext
{
    /// <summary>Set for plain HTTP requests; its User is read at call time (authorization may switch it to the API-key principal).</summary>
    public HttpContext? Request { get; set; }

    public async ValueTask<TenantScope?> GetCurrentAsync(CancellationToken cancellationToken = default)
    {
        var principal = Request?.User;
        if (principal is null && services.GetService<AuthenticationStateProvider>() is { } auth)
        {
            principal = (await auth.GetAuthenticationStateAsync()).User;
        }

        return FromPrincipal(principal);
    }

    public static TenantScope? FromPrincipal(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true
            || !Guid.TryParse(principal.FindFirstValue(AppClaims.TenantId), out var tenantId))
        {
            return null;
        }

        var actor = principal.FindFirstValue(ClaimTypes.Email) ?? principal.Identity.Name ?? "unknown";
        return new TenantScope(tenantId, actor, principal.FindFirstValue(ClaimTypes.Role), principal.HasClaim(c => c.Type == AppClaims.ApiKeyId));
    }
}

internal sealed class TenantPrincipalMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, WebTenantContext tenant)
    {
        tenant.Request = context;
        return next(context);
    }
}
