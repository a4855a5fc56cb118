namespace CommandCenter.Common;

/// <summary>Who is acting, for which tenant. Actor is what the audit log records; ViaApiKey marks automation (an API key has a role too).</summary>
public sealed record TenantScope(Guid TenantId, string Actor, string? Role = null, bool ViaApiKey = false);

/// <summary>Resolves the tenant of the current request, circuit or job.</summary>
public interface ITenantContext
{
    ValueTask<TenantScope?> GetCurrentAsync(CancellationToken cancellationToken = default);
}

/// <summary>A fixed scope, for jobs and system work that act for one known tenant.</summary>
public sealed class FixedTenantContext(TenantScope scope) : ITenantContext
{
    public ValueTask<TenantScope?> GetCurrentAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<TenantScope?>(scope);
}
