using CommandCenter.Common;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Persistence;

/// <summary>
/// Opens a short-lived <see cref="AppDbContext"/> bound to the caller's tenant (one context per operation:
/// Blazor circuits are long-lived and a context is not thread-safe).
/// </summary>
public sealed class TenantDb(IDbContextFactory<AppDbContext> factory, ITenantContext tenant)
{
    public async Task<AppDbContext> OpenAsync(CancellationToken cancellationToken = default)
    {
        var scope = await tenant.GetCurrentAsync(cancellationToken)
            ?? throw new UnauthorizedAccessException("No tenant is signed in.");
        return factory.CreateDbContext().ForTenant(scope.TenantId, scope.Actor);
    }

    public async Task<TenantScope> ScopeAsync(CancellationToken cancellationToken = default) =>
        await tenant.GetCurrentAsync(cancellationToken) ?? throw new UnauthorizedAccessException("No tenant is signed in.");
}
