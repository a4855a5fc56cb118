using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Tenancy;

public sealed record ApiKeyRow(Guid Id, string Name, string Role, string Prefix, DateTime CreatedUtc, string CreatedBy, DateTime? LastUsedUtc, DateTime? RevokedUtc);

/// <summary>The key itself is returned only here, once.</summary>
public sealed record CreatedApiKey(Guid Id, string Name, string Role, string Key);

/// <summary>Tenant API keys: created and revoked by an Owner, stored hashed, resolved to a tenant on each API call.</summary>
public static class ApiKeys
{
    public sealed class Handler(TenantDb tenantDb, AuditWriter audit, TimeProvider time)
    {
        public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var keys = await db.ApiKeys.AsNoTracking()
                .Select(k => new ApiKeyRow(k.Id, k.Name, k.Role, k.Prefix, k.CreatedUtc, k.CreatedBy, k.LastUsedUtc, k.RevokedUtc))
                .ToListAsync(cancellationToken);
            return keys.OrderByDescending(k => k.CreatedUtc).ToList();
        }

        /// <summary>A key acts with <paramref name="role"/>'s rights in its tenant (Owner when not given).</summary>
        public async Task<CreatedApiKey> CreateAsync(string name, string? role = null, CancellationToken cancellationToken = default)
        {
            role ??= Roles.Owner;
            var validator = new Validator().Require("name", name, 100, "Name");
            if (!Roles.IsValid(role))
            {
                validator.Add("role", $"Role must be one of {string.Join(", ", Roles.All)}.");
            }

            validator.ThrowIfInvalid();
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var key = ApiKey.NewKey();
            var row = new ApiKey
            {
                Name = name.Trim(),
                Prefix = ApiKey.PrefixOf(key),
                Hash = ApiKey.HashKey(key),
                Role = role,
                CreatedUtc = time.GetUtcNow().UtcDateTime,
                CreatedBy = db.Actor ?? "",
            };
            db.ApiKeys.Add(row);
            audit.Record(db, "api-key.created", nameof(ApiKey), row.Id, null, new { row.Name, row.Prefix, row.Role });
            await db.SaveChangesAsync(cancellationToken);
            return new CreatedApiKey(row.Id, row.Name, row.Role, key);
        }

        public async Task RevokeAsync(Guid keyId, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId, cancellationToken)
                ?? throw new NotFoundException("API key", keyId);
            if (key.RevokedUtc is not null)
            {
                return;
            }

            key.RevokedUtc = time.GetUtcNow().UtcDateTime;
            audit.Record(db, "api-key.revoked", nameof(ApiKey), key.Id, new { key.Name, key.Prefix, Revoked = false }, new { key.Name, key.Prefix, Revoked = true });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Finds the tenant of a presented key. Runs before any tenant is known, so it reads across tenants by hash.</summary>
    public sealed class Authenticator(IDbContextFactory<AppDbContext> factory, TimeProvider time)
    {
        private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

        public sealed record Match(Guid KeyId, Guid TenantId, string Name, string Role);

        public async Task<Match?> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken = default)
        {
            if (string.IsNullOrWhiteSpace(presentedKey) || presentedKey.Length > 200)
            {
                return null;
            }

            var hash = ApiKey.HashKey(presentedKey.Trim());
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            // The key is what tells us the tenant, so this lookup cannot be tenant-filtered; it matches one unique hash.
            var key = await db.ApiKeys.IgnoreQueryFilters([AppDbContext.TenantFilter])
                .SingleOrDefaultAsync(k => k.Hash == hash, cancellationToken);
            if (key is null || key.RevokedUtc is not null)
            {
                return null;
            }

            var now = time.GetUtcNow().UtcDateTime;
            if (key.LastUsedUtc is null || now - key.LastUsedUtc > LastUsedResolution)
            {
                key.LastUsedUtc = now;
                await db.SaveChangesAsync(cancellationToken);
            }

            return new Match(key.Id, key.TenantId, key.Name, key.Role);
        }
    }
}
