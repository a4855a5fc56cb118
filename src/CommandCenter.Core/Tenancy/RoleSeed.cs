using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CommandCenter.Tenancy;

/// <summary>The three roles exist in every database, created by migration (fixed ids and stamps keep the model stable).</summary>
internal sealed class RoleSeedConfiguration : IEntityTypeConfiguration<IdentityRole>
{
    public void Configure(EntityTypeBuilder<IdentityRole> builder) =>
        builder.HasData(
            new IdentityRole { Id = "8f8a5f63-0b8a-4d6e-9d2f-1c1e2f000001", Name = Roles.Owner, NormalizedName = "OWNER", ConcurrencyStamp = "role-owner-v1" },
            new IdentityRole { Id = "8f8a5f63-0b8a-4d6e-9d2f-1c1e2f000002", Name = Roles.Billing, NormalizedName = "BILLING", ConcurrencyStamp = "role-billing-v1" },
            new IdentityRole { Id = "8f8a5f63-0b8a-4d6e-9d2f-1c1e2f000003", Name = Roles.Technician, NormalizedName = "TECHNICIAN", ConcurrencyStamp = "role-technician-v1" });
}
