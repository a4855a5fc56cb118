using CommandCenter.Tenancy;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace CommandCenter.Web.Components.Account;

internal static class AccountEndpoints
{
    public static WebApplication MapAccountEndpoints(this WebApplication app)
    {
        // A form post with the antiforgery token (see UserMenu): signing out clears the cookie, so it is a plain HTTP request.
        // The endpoint binds no form, so the antiforgery middleware would only note a missing token: check it here, or
        // any site could sign a user out.
        app.MapPost("/Account/Logout", async Task<IResult> (HttpContext http, IAntiforgery antiforgery, SignInManager<AppUser> signInManager) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request",
                    detail: "The sign-out form's antiforgery token is missing or not valid; sign out from the app's menu.");
            }

            await signInManager.SignOutAsync();
            return TypedResults.LocalRedirect("~/Account/Login");
        });
        return app;
    }
}
