using CommandCenter.Common;
using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;

namespace CommandCenter.Web.Infrastructure;

internal static class IdentitySetup
{
    public static WebApplicationBuilder AddWebIdentity(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<WebTenantContext>();
        builder.Services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<WebTenantContext>());

        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<AuthenticationStateProvider, RevalidatingAuthStateProvider>();

        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(options =>
            {
                options.LoginPath = "/Account/Login";
                options.LogoutPath = "/Account/Logout";
                options.AccessDeniedPath = "/Account/AccessDenied";
                options.Cookie.Name = "cc.auth";
                // The demo runs on plain http://localhost; production sits behind TLS, where the cookie is sent secure only.
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.SlidingExpiration = true;
                options.ExpireTimeSpan = TimeSpan.FromHours(12);
            }));

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Api, policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(AppClaims.TenantId))
            // The API's role policies, on top of Policies.Api (the /api/v1 group): an API key acts with its role's rights.
            .AddPolicy(Policies.ApiOwner, policy => ApiRole(policy, Roles.Owner))
            .AddPolicy(Policies.ApiBilling, policy => ApiRole(policy, Roles.Owner, Roles.Billing))
            .AddPolicy(Policies.ApiPsa, policy => ApiRole(policy, Roles.Owner, Roles.Billing, Roles.Technician));

        builder.Services.AddIdentityCore<AppUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.SignIn.RequireConfirmedAccount = false;
                options.Password.RequiredLength = 8;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<AppClaimsPrincipalFactory>()
            .AddDefaultTokenProviders();
        builder.Services.AddScoped<SignInGuard>();
        builder.Services.AddSingleton<UnknownAccountAttempts>();
        return builder;
    }

    private static void ApiRole(Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder policy, params string[] roles) => policy
        .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
        .RequireAuthenticatedUser()
        .RequireClaim(AppClaims.TenantId)
        .RequireRole(roles);
}

/// <summary>
/// Authorization policies of the REST API. Every route under /api/v1 carries Api and exactly one role policy:
/// ApiOwner (administration: connections, mappings, accounting, PSA settings, Billing settings changes),
/// ApiBilling (Owner or Billing: clients, catalog, imports, billing runs, posting, charges, blocks, usage),
/// ApiPsa (any role: tickets, time entries, close, embed links). A key of another role gets 403.
/// </summary>
internal static class Policies
{
    public const string Api = "api";
    public const string ApiOwner = "api:owner";
    public const string ApiBilling = "api:billing";
    public const string ApiPsa = "api:psa";
}
