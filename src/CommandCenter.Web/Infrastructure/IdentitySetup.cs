using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using Microsoft.AspNetCore.Identity;

namespace CommandCenter.Web.Infrastructure;

internal static class IdentitySetup
{
    public static WebApplicationBuilder AddWebIdentity(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<WebTenantContext>();
        builder.Services.AddScoped<CommandCenter.Common.ITenantContext>(sp => sp.GetRequiredService<WebTenantContext>());
        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        builder.Services.AddIdentityCore<AppUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.SignIn.RequireConfirmedAccount = false;
                options.Password.RequiredLength = 8;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        return builder;
    }
}
