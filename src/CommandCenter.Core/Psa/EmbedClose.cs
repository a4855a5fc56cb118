using System.Globalization;
using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Psa;

/// <summary>
/// The close-ticket dialog embedded in an external PSA (a ConnectWise pod, a HaloPSA tab): opened through a signed,
/// short-lived link that names one ticket of one tenant — the link is the permission, so the frame needs no sign-in.
/// Framing is allowed only for the tenant's configured origins.
/// </summary>
public static class EmbedClose
{
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromMinutes(15);

    public sealed record Link(string Path, DateTime ExpiresUtc);

    public sealed record View(Guid TenantId, TicketDetail Ticket, IReadOnlyList<string> AllowedOrigins);

    public sealed class Tokens(IDataProtectionProvider provider, TimeProvider time)
    {
        private readonly ITimeLimitedDataProtector _protector = provider.CreateProtector("CommandCenter.Psa.EmbedClose.v1").ToTimeLimitedDataProtector();

        public Link Create(Guid tenantId, Guid ticketId)
        {
            var expires = time.GetUtcNow() + LinkLifetime;
            var token = _protector.Protect(string.Create(CultureInfo.InvariantCulture, $"{tenantId:N}:{ticketId:N}"), expires);
            return new Link($"/embed/close/{token}", expires.UtcDateTime);
        }

        /// <summary>The tenant and ticket a link names; null when it is forged, altered or expired.</summary>
        public (Guid TenantId, Guid TicketId)? Read(string token)
        {
            try
            {
                var parts = _protector.Unprotect(token, out var expiration).Split(':');
                if (expiration < time.GetUtcNow())
                {
                    return null;
                }

                return parts.Length == 2 && Guid.TryParseExact(parts[0], "N", out var tenant) && Guid.TryParseExact(parts[1], "N", out var ticket) ? (tenant, ticket) : null;
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                return null;
            }
        }
    }

    /// <summary>Issues links (for the tenant's automation) and serves the embedded view and close.</summary>
    public sealed class Handler(TenantDb tenantDb, IDbContextFactory<AppDbContext> factory, Tokens tokens, AuditWriter audit, TimeProvider time)
    {
        public async Task<Link> CreateLinkAsync(Guid ticketId, CancellationToken cancellationToken = default)
        {
            var scope = await tenantDb.ScopeAsync(cancellationToken);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            if (!await db.Tickets.AnyAsync(t => t.Id == ticketId, cancellationToken))
            {
                throw new NotFoundException("Ticket", ticketId);
            }

            return tokens.Create(scope.TenantId, ticketId);
        }

        public async Task<View?> ViewAsync(string token, CancellationToken cancellationToken = default)
        {
            if (tokens.Read(token) is not { } target)
            {
                return null;
            }

            var handler = Scoped(target.TenantId, "embed");
            try
            {
                var detail = await handler.GetAsync(target.TicketId, cancellationToken);
                return new View(target.TenantId, detail, await OriginsAsync(target.TenantId, cancellationToken));
            }
            catch (NotFoundException)
            {
                return null;
            }
        }

        /// <summary>Closes the linked ticket; the same rules as in the app (a class is required), audited as the embedded close.</summary>
        public async Task CloseAsync(string token, BillingClass? billingClass, CancellationToken cancellationToken = default)
        {
            var target = tokens.Read(token) ?? throw new NotFoundException("Ticket", "link");
            await Scoped(target.TenantId, "embedded close (external PSA)").CloseAsync(target.TicketId, billingClass, cancellationToken);
        }

        public async Task<IReadOnlyList<string>> OriginsAsync(Guid tenantId, CancellationToken cancellationToken = default)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var origins = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.EmbedOrigins).SingleOrDefaultAsync(cancellationToken);
            return Split(origins);
        }

        public async Task<IReadOnlyList<string>> GetOriginsAsync(CancellationToken cancellationToken = default) =>
            await OriginsAsync((await tenantDb.ScopeAsync(cancellationToken)).TenantId, cancellationToken);

        /// <summary>Sets the origins allowed to frame the embedded close (Owner); each an http(s) origin without path.</summary>
        public async Task SetOriginsAsync(IReadOnlyList<string>? origins, CancellationToken cancellationToken = default)
        {
            var clean = new List<string>();
            var v = new Validator();
            foreach (var origin in origins ?? [])
            {
                if (Uri.TryCreate(origin?.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                    && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && !origin!.Contains('*', StringComparison.Ordinal))
                {
                    clean.Add(uri.GetLeftPart(UriPartial.Authority));
                }
                else
                {
                    v.Add("allowedOrigins", $"'{origin}' is not an origin such as https://yourcompany.halopsa.com.");
                }
            }

            if (string.Join(' ', clean).Length > 1000)
            {
                v.Add("allowedOrigins", "Too many origins.");
            }

            v.ThrowIfInvalid();
            var scope = await tenantDb.ScopeAsync(cancellationToken);
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var tenant = await db.Tenants.SingleAsync(t => t.Id == scope.TenantId, cancellationToken);
            var before = tenant.EmbedOrigins;
            tenant.EmbedOrigins = clean.Count == 0 ? null : string.Join(' ', clean.Distinct(StringComparer.OrdinalIgnoreCase));
            audit.Record(db, "psa.embed-origins", "Tenant", tenant.Id, new { Origins = before }, new { Origins = tenant.EmbedOrigins });
            await db.SaveChangesAsync(cancellationToken);
        }

        private Tickets.Handler Scoped(Guid tenantId, string actor) =>
            new(new TenantDb(factory, new FixedTenantContext(new TenantScope(tenantId, actor))), audit, time);

        private static List<string> Split(string? origins) => origins?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList() ?? [];
    }
}
