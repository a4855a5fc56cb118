using CommandCenter.Tenancy;
using Microsoft.AspNetCore.Identity;

namespace CommandCenter.Web.Components.Account;

internal static class AccountEndpoints
{
    public static WebApplication MapAccountEndpoints(this WebApplication app)
    {
        // A form post with the antiforgery token (see UserMenu): signing out clears the cookie, so it is a plain HTTP request.
        app.MapPost("/Account/Logout", async (SignInManager<AppUser> signInManager) =>
        {
            await signInManager.SignOutAsync();
            return TypedResults.LocalRedirect("~/Account/Login");
        });
        return app;
    }
}
