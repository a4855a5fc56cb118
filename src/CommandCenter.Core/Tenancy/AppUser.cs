using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.Tenancy;

/// <summary>A person who signs in; bound to exactly one tenant.</summary>
/// <remarks>
/// Users carry no tenant query filter: sign-in looks a user up by e-mail before any tenant is known.
/// Every user-management query filters by <see cref="TenantId"/> explicitly (see <c>TenantUsers</c>).
/// </remarks>
public sealed class AppUser : IdentityUser
{
    public Guid TenantId { get; set; }
    public string DisplayName { get; set; } = "";
    public DateTime CreatedUtc { get; set; }
}

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(200);
        builder.HasIndex(u => u.TenantId);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}
