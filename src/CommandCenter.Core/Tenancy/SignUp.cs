using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Tenancy;

/// <summary>A new MSP signs up (creates its tenant and its Owner), or an invited person accepts an invitation.</summary>
public static class SignUp
{
    public sealed record Request(string CompanyName, string DisplayName, string Email, string Password);

    public sealed record AcceptRequest(string Token, string DisplayName, string Password);

    public sealed class Handler(AppDbContext db, UserManager<AppUser> users, AuditWriter audit, TimeProvider time)
    {
        public async Task<AppUser> CreateTenantAsync(Request request, CancellationToken cancellationToken = default)
        {
            new Validator()
                .Require("companyName", request.CompanyName, 200, "Company name")
                .Require("displayName", request.DisplayName, 200, "Your name")
                .Require("email", request.Email, 256, "E-mail")
                .ThrowIfInvalid();
            if (await users.FindByEmailAsync(request.Email.Trim()) is not null)
            {
                throw ValidationFailedException.For("email", "An account with this e-mail already exists.");
            }

            // Identity's stores share this scoped context, so the tenant and its owner are committed together.
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            var tenant = new Tenant { Name = request.CompanyName.Trim(), CreatedUtc = now };
            db.Tenants.Add(tenant);
            await db.SaveChangesAsync(cancellationToken);

            var user = await CreateUserAsync(tenant.Id, request.Email, request.DisplayName, request.Password, Roles.Owner, now);
            db.ForTenant(tenant.Id, user.Email!);
            audit.Record(db, "tenant.created", nameof(Tenant), tenant.Id, null, new { tenant.Name, Owner = user.Email });
            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            return user;
        }

        public async Task<AppUser> AcceptInvitationAsync(AcceptRequest request, CancellationToken cancellationToken = default)
        {
            new Validator().Require("displayName", request.DisplayName, 200, "Your name").ThrowIfInvalid();
            var hash = ApiKey.HashKey(request.Token ?? "");
            var now = time.GetUtcNow().UtcDateTime;
            // The token is what tells us the tenant, so this lookup cannot be tenant-filtered; it matches one unique hash.
            var invitation = await db.Invitations.IgnoreQueryFilters([AppDbContext.TenantFilter])
                .SingleOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
            if (invitation is null || invitation.AcceptedUtc is not null || invitation.RevokedUtc is not null || invitation.ExpiresUtc <= now)
            {
                throw ValidationFailedException.For("token", "This invitation link is invalid, used or expired. Ask your administrator for a new one.");
            }

            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            var user = await CreateUserAsync(invitation.TenantId, invitation.Email, request.DisplayName, request.Password, invitation.Role, now);
            invitation.AcceptedUtc = now;
            db.ForTenant(invitation.TenantId, user.Email!);
            audit.Record(db, "user.joined", nameof(AppUser), user.Id, null, new { user.Email, invitation.Role });
            await db.SaveChangesAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
            return user;
        }

        private async Task<AppUser> CreateUserAsync(Guid tenantId, string email, string displayName, string password, string role, DateTime now)
        {
            var user = new AppUser
            {
                TenantId = tenantId,
                UserName = email.Trim(),
                Email = email.Trim(),
                EmailConfirmed = true,
                DisplayName = displayName.Trim(),
                CreatedUtc = now,
            };
            var created = await users.CreateAsync(user, password ?? "");
            if (!created.Succeeded)
            {
                throw new ValidationFailedException(new Dictionary<string, string[]> { ["password"] = created.Errors.Select(e => e.Description).ToArray() });
            }

            TenantUsers.Check(await users.AddToRoleAsync(user, role));
            return user;
        }
    }
}
