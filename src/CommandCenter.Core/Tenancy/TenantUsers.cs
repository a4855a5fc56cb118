using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Tenancy;

public sealed record TenantUserRow(string Id, string Email, string DisplayName, string Role, DateTime CreatedUtc);

public sealed record InvitationRow(Guid Id, string Email, string Role, DateTime CreatedUtc, DateTime ExpiresUtc, string CreatedBy);

/// <summary>The invitation link's token is returned only here, once.</summary>
public sealed record CreatedInvitation(Guid Id, string Email, string Token);

/// <summary>An Owner's user management: list users, invite, change roles, remove. Users are filtered by tenant explicitly.</summary>
public static class TenantUsers
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    public sealed class Handler(TenantDb tenantDb, UserManager<AppUser> users, AuditWriter audit, TimeProvider time)
    {
        public async Task<IReadOnlyList<TenantUserRow>> ListAsync(CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var tenantId = db.CurrentTenantId!.Value;
            var rows = await (
                from u in db.Users.AsNoTracking()
                where u.TenantId == tenantId
                let role = (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == u.Id select r.Name).FirstOrDefault()
                select new TenantUserRow(u.Id, u.Email!, u.DisplayName, role ?? "", u.CreatedUtc))
                .ToListAsync(cancellationToken);
            return rows.OrderBy(r => r.Email, StringComparer.OrdinalIgnoreCase).ToList();
        }

        public async Task<IReadOnlyList<InvitationRow>> ListInvitationsAsync(CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            var rows = await db.Invitations.AsNoTracking()
                .Where(i => i.AcceptedUtc == null && i.RevokedUtc == null && i.ExpiresUtc > now)
                .Select(i => new InvitationRow(i.Id, i.Email, i.Role, i.CreatedUtc, i.ExpiresUtc, i.CreatedBy))
                .ToListAsync(cancellationToken);
            return rows.OrderByDescending(r => r.CreatedUtc).ToList();
        }

        public async Task<CreatedInvitation> InviteAsync(string email, string role, CancellationToken cancellationToken = default)
        {
            var v = new Validator().Require("email", email, 256, "E-mail");
            if (!string.IsNullOrWhiteSpace(email) && !new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email.Trim()))
            {
                v.Add("email", "Enter a valid e-mail address.");
            }

            if (!Roles.IsValid(role))
            {
                v.Add("role", "Choose Owner, Billing or Technician.");
            }

            v.ThrowIfInvalid();
            email = email.Trim();
            if (await users.FindByEmailAsync(email) is not null)
            {
                throw ValidationFailedException.For("email", "A user with this e-mail already exists.");
            }

            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            var token = ApiKey.NewKey();
            var invitation = new Invitation
            {
                Email = email,
                Role = role,
                TokenHash = ApiKey.HashKey(token),
                CreatedUtc = now,
                ExpiresUtc = now + InvitationLifetime,
                CreatedBy = db.Actor ?? "",
            };
            db.Invitations.Add(invitation);
            audit.Record(db, "user.invited", nameof(Invitation), invitation.Id, null, new { invitation.Email, invitation.Role });
            await db.SaveChangesAsync(cancellationToken);
            return new CreatedInvitation(invitation.Id, email, token);
        }

        public async Task RevokeInvitationAsync(Guid invitationId, CancellationToken cancellationToken = default)
        {
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == invitationId, cancellationToken)
                ?? throw new NotFoundException("Invitation", invitationId);
            invitation.RevokedUtc = time.GetUtcNow().UtcDateTime;
            audit.Record(db, "user.invitation-revoked", nameof(Invitation), invitation.Id, new { invitation.Email, invitation.Role }, null);
            await db.SaveChangesAsync(cancellationToken);
        }

        public async Task ChangeRoleAsync(string userId, string role, CancellationToken cancellationToken = default)
        {
            if (!Roles.IsValid(role))
            {
                throw ValidationFailedException.For("role", "Choose Owner, Billing or Technician.");
            }

            var scope = await tenantDb.ScopeAsync(cancellationToken);
            var user = await FindAsync(userId, scope.TenantId);
            var current = (await users.GetRolesAsync(user)).FirstOrDefault();
            if (current == role)
            {
                return;
            }

            if (current == Roles.Owner)
            {
                await EnsureAnotherOwnerAsync(user, scope.TenantId, cancellationToken);
            }

            if (current is not null)
            {
                Check(await users.RemoveFromRoleAsync(user, current));
            }

            Check(await users.AddToRoleAsync(user, role));
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            audit.Record(db, "user.role-changed", nameof(AppUser), user.Id, new { user.Email, Role = current }, new { user.Email, Role = role });
            await db.SaveChangesAsync(cancellationToken);
        }

        public async Task RemoveAsync(string userId, CancellationToken cancellationToken = default)
        {
            var scope = await tenantDb.ScopeAsync(cancellationToken);
            var user = await FindAsync(userId, scope.TenantId);
            if (string.Equals(user.Email, scope.Actor, StringComparison.OrdinalIgnoreCase))
            {
                throw new ConflictException("You cannot remove yourself.");
            }

            var role = (await users.GetRolesAsync(user)).FirstOrDefault();
            if (role == Roles.Owner)
            {
                await EnsureAnotherOwnerAsync(user, scope.TenantId, cancellationToken);
            }

            Check(await users.DeleteAsync(user));
            await using var db = await tenantDb.OpenAsync(cancellationToken);
            audit.Record(db, "user.removed", nameof(AppUser), user.Id, new { user.Email, Role = role }, null);
            await db.SaveChangesAsync(cancellationToken);
        }

        private async Task<AppUser> FindAsync(string userId, Guid tenantId)
        {
            var user = await users.FindByIdAsync(userId);
            // Another tenant's user is "not found", never "forbidden".
            return user is not null && user.TenantId == tenantId ? user : throw new NotFoundException("User", userId);
        }

        private async Task EnsureAnotherOwnerAsync(AppUser user, Guid tenantId, CancellationToken cancellationToken)
        {
            var owners = await users.GetUsersInRoleAsync(Roles.Owner);
            if (!owners.Any(o => o.TenantId == tenantId && o.Id != user.Id))
            {
                throw new ConflictException("A tenant needs at least one Owner.");
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    internal static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { [""] = result.Errors.Select(e => e.Description).ToArray() });
        }
    }
}
