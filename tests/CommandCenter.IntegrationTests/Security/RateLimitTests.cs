using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Security;

/// <summary>The app with low limits: 3 API requests at once per key (then 1 a minute), 3 sign-in posts a minute per address.</summary>
public sealed class LowLimitsAppFactory() : AppFactory(new Dictionary<string, string>
{
    ["RateLimiting:ApiPermitsPerMinute"] = "1",
    ["RateLimiting:ApiBurst"] = "3",
    ["RateLimiting:SignInPermitsPerMinute"] = "3",
});

/// <summary>Rate limits: per API key (one busy key never slows another) and per address on sign-in posts.</summary>
public sealed class RateLimitTests(LowLimitsAppFactory app) : IClassFixture<LowLimitsAppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApiKey_OverItsLimit_Gets429WithRetryAfter_AnotherKeyIsNotAffected()
    {
        using var demo = app.ApiClient(DemoSeeder.DemoApiKey);
        using var other = app.ApiClient(DemoSeeder.OtherApiKey);
        for (var i = 0; i < 3; i++)
        {
            (await demo.GetAsync("/api/v1/clients", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var refused = await demo.GetAsync("/api/v1/clients", Ct);

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("status").GetInt32().ShouldBe(429);
        problem.GetProperty("detail").GetString()!.ShouldContain("1 requests per minute");
        // One token a minute: the next is about a minute away.
        refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(30, 60);

        // The other tenant's key has its own bucket.
        for (var i = 0; i < 3; i++)
        {
            (await other.GetAsync("/api/v1/clients", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // A refused write does nothing.
        (await demo.PostAsJsonAsync("/api/v1/clients", new { name = "Refused while limited" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        // Looks across tenants on purpose: the client must exist nowhere.
        (await db.Clients.IgnoreQueryFilters([AppDbContext.TenantFilter]).AnyAsync(c => c.Name == "Refused while limited", Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task SignInPosts_FromOneAddress_AreLimitedPerMinute_ThePageStillLoads()
    {
        using var browser = new FormClient(app.BaseAddress);
        for (var i = 0; i < 3; i++)
        {
            (await browser.SignInAsync($"guess-{i}@demo.local", "Wrong!Pass1", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var refused = await browser.SignInAsync(DemoSeeder.AdminEmail, DemoSeeder.DemoPassword, Ct);

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(1, 60);
        (await refused.Content.ReadAsStringAsync(Ct)).ShouldContain("Too many sign-in attempts");
        browser.SignedIn.ShouldBeFalse();
        (await browser.Http.GetAsync("/Account/Login", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
