using System.Net;
using CommandCenter.Demo;
using CommandCenter.IntegrationTests.Support;
using CommandCenter.Persistence;
using CommandCenter.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.IntegrationTests.Security;

/// <summary>
/// Password guessing on the sign-in page: five wrong passwords lock the account for five minutes (the right one is
/// then refused too), the lockout is audited, and an e-mail without an account answers exactly like one.
/// </summary>
public sealed class SignInLockoutTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string WrongPassword = "Not!ThePassword9";
    private const string NotRight = "The e-mail or password is not right.";
    private const string Locked = "Too many failed sign-ins: this account is locked. Try again in 5 minutes.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FiveWrongPasswords_LockTheAccount_TheRightPasswordIsThenRefused_AndTheLockoutIsAudited()
    {
        using var browser = new FormClient(app.BaseAddress);

        var answers = new List<string?>();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            answers.Add(await FormClient.SignInErrorAsync(await browser.SignInAsync(DemoSeeder.TechnicianEmail, WrongPassword, Ct), Ct));
        }

        answers.ShouldBe([NotRight, NotRight, NotRight, NotRight, Locked]);
        var sixth = await browser.SignInAsync(DemoSeeder.TechnicianEmail, DemoSeeder.DemoPassword, Ct);
        sixth.StatusCode.ShouldBe(HttpStatusCode.OK, "the page again, no redirect into the app");
        (await FormClient.SignInErrorAsync(sixth, Ct)).ShouldBe(Locked);
        browser.SignedIn.ShouldBeFalse();
        (await browser.Http.GetAsync("/clients", Ct)).StatusCode.ShouldBe(HttpStatusCode.Redirect, "not signed in: sent to the sign-in page");

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        var user = await db.Users.SingleAsync(u => u.Email == DemoSeeder.TechnicianEmail, Ct);
        // Reads the tenant's audit directly to check what the sign-in page recorded.
        var audit = await db.AuditEntries.IgnoreQueryFilters([AppDbContext.TenantFilter])
            .Where(a => a.Action == SignInGuard.LockedOutAction && a.EntityId == user.Id).ToListAsync(Ct);
        var entry = audit.ShouldHaveSingleItem("one entry when the lockout starts, none for attempts while locked");
        entry.TenantId.ShouldBe(user.TenantId);
        entry.Actor.ShouldBe("sign-in");
        var after = entry.After.ShouldNotBeNull();
        after.ShouldContain(DemoSeeder.TechnicianEmail);
        after.ShouldContain("127.0.0.1");
        user.LockoutEnd.ShouldNotBeNull().ShouldBeGreaterThan(TimeProvider.System.GetUtcNow().AddMinutes(4));
    }

    [Fact]
    public async Task EmailWithoutAccount_AnswersExactlyLikeAnAccount()
    {
        using var browser = new FormClient(app.BaseAddress);
        var nobody = $"nobody-{Guid.NewGuid():N}@demo.local";

        var answers = new List<string?>();
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            answers.Add(await FormClient.SignInErrorAsync(await browser.SignInAsync(nobody, WrongPassword, Ct), Ct));
        }

        answers.ShouldBe([NotRight, NotRight, NotRight, NotRight, Locked, Locked]);
        browser.SignedIn.ShouldBeFalse();
    }

    [Fact]
    public async Task FewerThanFiveFailures_ThenTheRightPassword_SignsIn()
    {
        using var browser = new FormClient(app.BaseAddress);
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            (await FormClient.SignInErrorAsync(await browser.SignInAsync(DemoSeeder.BillingEmail, WrongPassword, Ct), Ct)).ShouldBe(NotRight);
        }

        (await browser.SignInAsync(DemoSeeder.BillingEmail, DemoSeeder.DemoPassword, Ct)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        browser.SignedIn.ShouldBeTrue();
    }
}
