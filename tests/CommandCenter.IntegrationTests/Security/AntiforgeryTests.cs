using System.Net;
using System.Net.Http.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;

namespace CommandCenter.IntegrationTests.Security;

/// <summary>
/// Cross-site request forgery: the browser's form posts (sign-in, sign-up, sign-out) need the antiforgery token the
/// app's own page rendered; the REST API takes no cookie at all, so it needs no token.
/// </summary>
public sealed class AntiforgeryTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignInPost_WithoutToken_Is400_AndSignsNobodyIn()
    {
        using var browser = new FormClient(app.BaseAddress);

        var response = await browser.SignInAsync(DemoSeeder.AdminEmail, DemoSeeder.DemoPassword, Ct, withToken: false);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        browser.SignedIn.ShouldBeFalse();
        // The same post with the page's token signs in (the 400 was the missing token, nothing else).
        (await browser.SignInAsync(DemoSeeder.AdminEmail, DemoSeeder.DemoPassword, Ct)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        browser.SignedIn.ShouldBeTrue();
    }

    [Fact]
    public async Task SignUpPost_WithoutToken_Is400_AndCreatesNoTenant()
    {
        using var browser = new FormClient(app.BaseAddress);
        var email = $"owner-{Guid.NewGuid():N}@csrf.example";

        var response = await browser.Http.PostAsync("/Account/Register", new FormUrlEncodedContent(
        [
            new("_handler", "signup"),
            new("Input.CompanyName", "Forged MSP"),
            new("Input.DisplayName", "Forger"),
            new("Input.Email", email),
            new("Input.Password", DemoSeeder.DemoPassword),
            new("Input.ConfirmPassword", DemoSeeder.DemoPassword),
        ]), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await browser.SignInAsync(email, DemoSeeder.DemoPassword, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK, "no account was made");
    }

    [Fact]
    public async Task SignOutPost_WithoutToken_Is400_AndKeepsTheSession_WithTheTokenSignsOut()
    {
        using var browser = new FormClient(app.BaseAddress);
        (await browser.SignInAsync(DemoSeeder.BillingEmail, DemoSeeder.DemoPassword, Ct)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var forged = await browser.Http.PostAsync("/Account/Logout", new FormUrlEncodedContent([]), Ct);

        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        browser.SignedIn.ShouldBeTrue();
        (await browser.Http.GetAsync("/clients", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK, "still signed in");

        // The app's own form (its token is for the signed-in user) signs out.
        var token = await browser.TokenAsync("/Account/Login", Ct);
        var signOut = await browser.Http.PostAsync("/Account/Logout", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]), Ct);

        signOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signOut.Headers.Location!.ToString().ShouldEndWith("/Account/Login");
        browser.SignedIn.ShouldBeFalse();
    }

    [Fact]
    public async Task Api_TakesTheKeyWithoutToken_AndNeverTheSignInCookie()
    {
        using var api = app.ApiClient(DemoSeeder.DemoApiKey);
        var created = await api.PostAsJsonAsync("/api/v1/clients", new { name = "Created without a token " + Guid.NewGuid().ToString("N")[..6] }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);

        // A page on another site could make the browser post with its cookie: the API does not take cookies.
        using var browser = new FormClient(app.BaseAddress);
        (await browser.SignInAsync(DemoSeeder.AdminEmail, DemoSeeder.DemoPassword, Ct)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var forged = await browser.Http.PostAsJsonAsync("/api/v1/clients", new { name = "Forged with a cookie" }, Ct);
        forged.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
