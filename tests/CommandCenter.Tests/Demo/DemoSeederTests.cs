using CommandCenter.VendorSync;
using CommandCenter.Clients;
using CommandCenter.Demo;
using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using CommandCenter.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CommandCenter.Tests.Demo;

public sealed class DemoSeederTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SeedAsync_EmptyDatabase_CreatesDemoAndOtherTenantsWithTheirClients()
    {
        await using var db = await TestDatabase.CreateEmptyAsync();
        await using var identity = new TestIdentity(db);

        var result = await Seeder(db, identity).SeedAsync(Ct);

        result.ShouldBe(new DemoSeedResult(true, 2, 43, result.Lines, 4, 2));
        var (demo, other) = await TenantIdsAsync(db);
        var demoClients = await new ListClients.Handler(db.TenantDb(demo), db.Time).HandleAsync(new ListClients.Request(PageSize: 100), Ct);
        var otherClients = await new ListClients.Handler(db.TenantDb(other), db.Time).HandleAsync(new ListClients.Request(PageSize: 100), Ct);
        demoClients.Total.ShouldBe(40);
        otherClients.Total.ShouldBe(3);
        demoClients.Items.Select(c => c.Name).ShouldBe(DataGenerator.Generate(40, DemoSeeder.DemoGeneratorSeed).Select(c => c.Name), ignoreOrder: true);
        demoClients.Items.Sum(c => c.LineCount).ShouldBeGreaterThan(150);
        // The generated lines, plus the one line the demo adds in the middle of this month (a prorated new line for the billing diff).
        demoClients.Items.Sum(c => c.LineCount).ShouldBe(result.Lines - otherClients.Items.Sum(c => c.LineCount) + 1);
        await using var ctx = db.Open(demo);
        (await ctx.CatalogItems.CountAsync(Ct)).ShouldBe(DataGenerator.Catalog.Count);
    }

    [Fact]
    public async Task SeedAsync_EmptyDatabase_GivesTheDemoTenantTicketsTimeAndBlocks()
    {
        await using var db = await TestDatabase.CreateEmptyAsync();
        await using var identity = new TestIdentity(db);

        await Seeder(db, identity).SeedAsync(Ct);

        var (demo, other) = await TenantIdsAsync(db);
        await using var ctx = db.Open(demo);
        var tickets = await ctx.Tickets.AsNoTracking().Include(t => t.TimeEntries).ToListAsync(Ct);
        tickets.Count.ShouldBeGreaterThan(60);
        tickets.Select(t => t.ClientId).Distinct().Count().ShouldBe(40);
        // Closed tickets are always classified and their time inherits the class; some open tickets already carry time.
        tickets.Where(t => t.Status == CommandCenter.Psa.TicketStatus.Closed).ShouldAllBe(t => t.BillingClass != null && t.TimeEntries.All(e => e.BillingClass == t.BillingClass));
        tickets.ShouldContain(t => t.Status == CommandCenter.Psa.TicketStatus.Open && t.TimeEntries.Count > 0);
        tickets.Select(t => t.BillingClass).Distinct().Count().ShouldBeGreaterThanOrEqualTo(4);
        var blockClients = DataGenerator.Generate(40, DemoSeeder.DemoGeneratorSeed).Count(c => c.Plan == ServicePlan.BlockHours);
        (await ctx.HourBlocks.CountAsync(Ct)).ShouldBe(blockClients);
        await using var otherCtx = db.Open(other);
        (await otherCtx.Tickets.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task SeedAsync_EmptyDatabase_CreatesUsersWithTheirRolesAndTheDemoPassword()
    {
        await using var db = await TestDatabase.CreateEmptyAsync();
        await using var identity = new TestIdentity(db);

        await Seeder(db, identity).SeedAsync(Ct);

        var (demo, other) = await TenantIdsAsync(db);
        (string Email, string Role, Guid TenantId)[] expected =
        [
            (DemoSeeder.AdminEmail, Roles.Owner, demo),
            (DemoSeeder.BillingEmail, Roles.Billing, demo),
            (DemoSeeder.TechnicianEmail, Roles.Technician, demo),
            (DemoSeeder.OtherOwnerEmail, Roles.Owner, other),
        ];
        foreach (var (email, role, tenantId) in expected)
        {
            var user = (await identity.Users.FindByEmailAsync(email)).ShouldNotBeNull(email);
            user.TenantId.ShouldBe(tenantId, email);
            user.EmailConfirmed.ShouldBeTrue(email);
            (await identity.Users.GetRolesAsync(user)).ShouldBe([role], email);
            (await identity.Users.CheckPasswordAsync(user, DemoSeeder.DemoPassword)).ShouldBeTrue(email);
        }

        (await identity.Users.FindByEmailAsync(DemoSeeder.AdminEmail))!.DisplayName.ShouldBe("Demo Admin");
    }

    [Fact]
    public async Task SeedAsync_EmptyDatabase_StoresApiKeysHashedThatAuthenticateToTheirTenant()
    {
        await using var db = await TestDatabase.CreateEmptyAsync();
        await using var identity = new TestIdentity(db);

        await Seeder(db, identity).SeedAsync(Ct);

        var (demo, other) = await TenantIdsAsync(db);
        var authenticator = new ApiKeys.Authenticator(db.Factory, db.Time);
        (await authenticator.AuthenticateAsync(DemoSeeder.DemoApiKey, Ct)).ShouldNotBeNull().TenantId.ShouldBe(demo);
        (await authenticator.AuthenticateAsync(DemoSeeder.OtherApiKey, Ct)).ShouldNotBeNull().TenantId.ShouldBe(other);
        await using var ctx = db.Factory.CreateDbContext();
        // Reads both tenants' keys on purpose: the check is how every seeded key is stored.
        var keys = await ctx.ApiKeys.IgnoreQueryFilters([AppDbContext.TenantFilter]).AsNoTracking().ToListAsync(Ct);
        keys.Select(k => k.Hash).ShouldBe([ApiKey.HashKey(DemoSeeder.DemoApiKey), ApiKey.HashKey(DemoSeeder.OtherApiKey)], ignoreOrder: true);
        keys.ShouldAllBe(k => k.Name == DemoSeeder.DemoApiKeyName && k.RevokedUtc == null && k.Hash != DemoSeeder.DemoApiKey && k.Hash != DemoSeeder.OtherApiKey);
        keys.Single(k => k.TenantId == demo).Prefix.ShouldBe(ApiKey.PrefixOf(DemoSeeder.DemoApiKey));
    }

    [Fact]
    public async Task SeedAsync_SeededDatabase_ChangesNothing()
    {
        await using var db = await TestDatabase.CreateEmptyAsync();
        await using var identity = new TestIdentity(db);
        await Seeder(db, identity).SeedAsync(Ct);
        var before = await CountRowsAsync(db);

        var again = await Seeder(db, identity).SeedAsync(Ct);

        again.ShouldBe(DemoSeedResult.Skipped);
        (await CountRowsAsync(db)).ShouldBe(before);
    }

    [Fact]
    public async Task SeedAsync_DatabaseWithAnyTenant_SeedsNothing()
    {
        await using var db = await TestDatabase.CreateAsync("Real MSP");
        await using var identity = new TestIdentity(db);

        var result = await Seeder(db, identity).SeedAsync(Ct);

        result.Seeded.ShouldBeFalse();
        (await CountRowsAsync(db)).ShouldBe([1, 0, 0, 0, 0, 0, 0, 0]);
    }

    [Fact]
    public async Task SeedAsync_UserCreationFails_LeavesTheDatabaseEmptySoTheNextStartSeeds()
    {
        await using var db = await TestDatabase.CreateEmptyAsync();
        await using (var strict = new TestIdentity(db, o => o.Password.RequiredLength = 20))
        {
            await Should.ThrowAsync<InvalidOperationException>(() => Seeder(db, strict).SeedAsync(Ct));
        }

        (await CountRowsAsync(db)).ShouldBe([0, 0, 0, 0, 0, 0, 0, 0]);
        await using var identity = new TestIdentity(db);
        (await Seeder(db, identity).SeedAsync(Ct)).Seeded.ShouldBeTrue();
    }

    [Fact]
    public async Task SeedAsync_TwoInstancesStartingAtOnce_SeedsTheDemoOnce()
    {
        await using var db = await TestDatabase.CreateEmptyAsync();
        await using var identity = new TestIdentity(db);
        // Two instances: each its own leases (real time: the second one waits by polling).
        CommandCenter.Common.Leases Instance() => new(db.Factory, TimeProvider.System, NullLogger<CommandCenter.Common.Leases>.Instance);

        var results = await Task.WhenAll(Seeder(db, identity, Instance()).SeedAsync(Ct), Seeder(db, identity, Instance()).SeedAsync(Ct));

        results.Count(r => r.Seeded).ShouldBe(1);
        await using var ctx = db.Factory.CreateDbContext();
        (await ctx.Tenants.CountAsync(Ct)).ShouldBe(2);
    }

    private static DemoSeeder Seeder(TestDatabase db, TestIdentity identity, CommandCenter.Common.Leases? leases = null) =>
        new(db.Factory, identity.Users, new CredentialProtector(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider()),
            new CommandCenter.Accounting.AccountingCredentialProtector(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider()),
            leases ?? db.NewLeases(), db.Time, NullLogger<DemoSeeder>.Instance);

    private static async Task<(Guid Demo, Guid Other)> TenantIdsAsync(TestDatabase db)
    {
        await using var ctx = db.Factory.CreateDbContext();
        var tenants = await ctx.Tenants.AsNoTracking().ToDictionaryAsync(t => t.Name, t => t.Id, Ct);
        tenants.Count.ShouldBe(2);
        return (tenants[DemoSeeder.DemoTenantName], tenants[DemoSeeder.OtherTenantName]);
    }

    /// <summary>Tenants, users, user roles, clients, agreements, lines, catalog items, API keys — across all tenants.</summary>
    private static async Task<int[]> CountRowsAsync(TestDatabase db)
    {
        await using var ctx = db.Factory.CreateDbContext();
        // Counts span every tenant on purpose: the check is that nothing at all was written.
        return
        [
            await ctx.Tenants.CountAsync(Ct),
            await ctx.Users.CountAsync(Ct),
            await ctx.UserRoles.CountAsync(Ct),
            await ctx.Clients.IgnoreQueryFilters([AppDbContext.TenantFilter]).CountAsync(Ct),
            await ctx.Agreements.IgnoreQueryFilters([AppDbContext.TenantFilter]).CountAsync(Ct),
            await ctx.RecurringLines.IgnoreQueryFilters([AppDbContext.TenantFilter]).CountAsync(Ct),
            await ctx.CatalogItems.IgnoreQueryFilters([AppDbContext.TenantFilter]).CountAsync(Ct),
            await ctx.ApiKeys.IgnoreQueryFilters([AppDbContext.TenantFilter]).CountAsync(Ct),
        ];
    }
}
