using System.Security.Claims;
using CommandCenter.Demo;
using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using CommandCenter.Web.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Support;

public static class DemoOwner
{
    /// <summary>
    /// A scope of the running app's services acting as the demo tenant's signed-in Owner — for the acts that have no API
    /// route by design (reopening a month, creating an API key).
    /// </summary>
    public static async Task<AsyncServiceScope> ScopeAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        Guid tenantId;
        await using (var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(cancellationToken))
        {
            tenantId = await db.Tenants.Where(t => t.Name == DemoSeeder.DemoTenantName).Select(t => t.Id).SingleAsync(cancellationToken);
        }

        var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<WebTenantContext>().Request = new DefaultHttpContext
        {
            User = new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.Email, DemoSeeder.AdminEmail), new Claim(AppClaims.TenantId, tenantId.ToString()), new Claim(ClaimTypes.Role, Roles.Owner)],
                "Identity.Application")),
        };
        return scope;
    }
}
