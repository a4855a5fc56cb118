using CommandCenter.Common;
using CommandCenter.Tenancy;
using CommandCenter.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Tests.Tenancy;

public sealed class TenancyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateTenant_NewMsp_CreatesTenantAndOwnerAndAudits()
    {
        await using var db = await TestDatabase.CreateEmptyAsync();
        await using var identity = new TestIdentity(db);
        var signUp = new SignUp.Handler(identity.Db, identity.Users, db.Audit, db.Time);

        var owner = await signUp.CreateTenantAsync(new SignUp.Request("Acme IT", "Ada Owner", "ada@acme.test", "Str0ng!Pass"), Ct);

        (await identity.Users.GetRolesAsync(owner)).ShouldBe([Roles.Owner]);
        await using var ctx = db.Open(owner.TenantId);
        (await ctx.Tenants.SingleAsync(t => t.Id == owner.TenantId, Ct)).Name.ShouldBe("Acme IT");
        (await ctx.AuditEntries.SingleAsync(Ct)).Action.ShouldBe("tenant.created");
    }

    [Fact]
    public async Task CreateTenant_WeakPassword_CreatesNothing()
    {
        await using var db = await TestDatabase.CreateEmptyAsync();
        await using var identity = new TestIdentity(db);
        var signUp = new SignUp.Handler(identity.Db, identity.Users, db.Audit, db.Time);

        await Should.ThrowAsync<ValidationFailedException>(() => signUp.CreateTenantAsync(new SignUp.Request("Acme IT", "Ada", "ada@acme.test", "short"), Ct));

        await using var ctx = db.Factory.CreateDbContext();
        (await ctx.Tenants.CountAsync(Ct)).ShouldBe(0);
        (await ctx.Users.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Invitation_AcceptedOnce_JoinsTheInvitingTenantWithItsRole()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var identity = new TestIdentity(db);
        var users = new TenantUsers.Handler(db.TenantDb(), identity.Users, db.Audit, db.Time);
        var invitation = await users.InviteAsync("tech@acme.test", Roles.Technician, Ct);
        var signUp = new SignUp.Handler(identity.Db, identity.Users, db.Audit, db.Time);

        var user = await signUp.AcceptInvitationAsync(new SignUp.AcceptRequest(invitation.Token, "Tess Tech", "Str0ng!Pass"), Ct);

        user.TenantId.ShouldBe(db.TenantId);
        (await identity.Users.GetRolesAsync(user)).ShouldBe([Roles.Technician]);
        (await users.ListAsync(Ct)).ShouldHaveSingleItem().Email.ShouldBe("tech@acme.test");
        await Should.ThrowAsync<ValidationFailedException>(() =>
            new SignUp.Handler(identity.Db, identity.Users, db.Audit, db.Time).AcceptInvitationAsync(new SignUp.AcceptRequest(invitation.Token, "Again", "Str0ng!Pass"), Ct));
    }

    [Fact]
    public async Task ApiKey_CreatedThenRevoked_AuthenticatesToItsTenantOnlyUntilRevoked()
    {
        await using var db = await TestDatabase.CreateAsync();
        var keys = new ApiKeys.Handler(db.TenantDb(), db.Audit, db.Time);
        var authenticator = new ApiKeys.Authenticator(db.Factory, db.Time);

        var created = await keys.CreateAsync("Rewst", cancellationToken: Ct);

        var match = await authenticator.AuthenticateAsync(created.Key, Ct);
        match!.TenantId.ShouldBe(db.TenantId);
        match.Role.ShouldBe(Roles.Owner);
        await using (var ctx = db.Open())
        {
            (await ctx.ApiKeys.SingleAsync(Ct)).Hash.ShouldNotContain(created.Key);
        }

        await keys.RevokeAsync(created.Id, Ct);
        (await authenticator.AuthenticateAsync(created.Key, Ct)).ShouldBeNull();
        (await authenticator.AuthenticateAsync("cc_guess", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ApiKey_CreatedWithRole_AuthenticatesWithThatRole_UnknownRoleRefused()
    {
        await using var db = await TestDatabase.CreateAsync();
        var keys = new ApiKeys.Handler(db.TenantDb(), db.Audit, db.Time);
        var authenticator = new ApiKeys.Authenticator(db.Factory, db.Time);

        var technician = await keys.CreateAsync("PSA sync", Roles.Technician, Ct);

        technician.Role.ShouldBe(Roles.Technician);
        (await authenticator.AuthenticateAsync(technician.Key, Ct))!.Role.ShouldBe(Roles.Technician);
        (await keys.ListAsync(Ct)).Single().Role.ShouldBe(Roles.Technician);
        var refused = await Should.ThrowAsync<ValidationFailedException>(() => keys.CreateAsync("Root", "Admin", Ct));
        refused.Errors.Keys.ShouldContain("role");
        (await keys.ListAsync(Ct)).Count.ShouldBe(1);
    }
}
