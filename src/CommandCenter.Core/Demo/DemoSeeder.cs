using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using CommandCenter.VendorSync;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Demo;

/// <param name="Seeded">False when the database already had tenants and nothing was written.</param>
public sealed record DemoSeedResult(bool Seeded, int Tenants, int Clients, int Lines, int Users, int ApiKeys)
{
    public static DemoSeedResult Skipped { get; } = new(false, 0, 0, 0, 0, 0);
}

/// <summary>
/// Seeds the demo tenants on an empty database (no tenants at all), and never otherwise; the host calls it only in
/// demo mode. "Demo MSP" gets 40 generated clients, an Owner, a Billing user, a Technician and the API key
/// <see cref="DemoApiKey"/>; "Other MSP" gets 3 clients, an Owner and <see cref="OtherApiKey"/>, to show isolation.
/// All or nothing: if any step fails, the tenants seeded so far are removed so the next start seeds again.
/// </summary>
public sealed class DemoSeeder(IDbContextFactory<AppDbContext> factory, UserManager<AppUser> users, CredentialProtector protector, Accounting.AccountingCredentialProtector accountingProtector, Common.Leases leases, TimeProvider time, ILogger<DemoSeeder> logger)
{
    public const string DemoTenantName = "Demo MSP";
    public const string AdminEmail = "admin@demo.local";
    public const string BillingEmail = "billing@demo.local";
    public const string TechnicianEmail = "tech@demo.local";
    /// <summary>The password of every demo user (public by design: printed at startup and in the README).</summary>
    public const string DemoPassword = "Demo!Pass1";
    public const string DemoApiKey = "demo-api-key";
    public const string DemoApiKeyName = "Demo automation";
    public const int DemoClientCount = 40;
    public const int DemoGeneratorSeed = 2026;

    public const string OtherTenantName = "Other MSP";
    public const string OtherOwnerEmail = "owner@other.local";
    public const string OtherApiKey = "other-api-key";
    public const int OtherClientCount = 3;
    public const int OtherGeneratorSeed = 7;

    private const string Actor = "demo-seed";

    private sealed record SeedUser(string Email, string DisplayName, string Role);

    private sealed record TenantPlan(string Name, int ClientCount, int GeneratorSeed, string ApiKey, IReadOnlyList<SeedUser> Users, bool VendorConnections = false);

    private static readonly IReadOnlyList<TenantPlan> Plans =
    [
        new(DemoTenantName, DemoClientCount, DemoGeneratorSeed, DemoApiKey,
        [
            new(AdminEmail, "Demo Admin", Roles.Owner),
            new(BillingEmail, "Demo Billing", Roles.Billing),
            new(TechnicianEmail, "Demo Technician", Roles.Technician),
        ], VendorConnections: true),
        new(OtherTenantName, OtherClientCount, OtherGeneratorSeed, OtherApiKey,
        [
            new(OtherOwnerEmail, "Other Owner", Roles.Owner),
        ]),
    ];

    public async Task<DemoSeedResult> SeedAsync(CancellationToken cancellationToken = default)
    {
        // Two instances starting on one empty database: the second waits here, then finds the tenants and skips.
        await using var lease = await leases.AcquireAsync("demo:seed", cancellationToken: cancellationToken);
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.Tenants.AnyAsync(cancellationToken))
            {
                logger.LogInformation("Demo seed skipped: the database already has tenants.");
                return DemoSeedResult.Skipped;
            }
        }

        var seeded = new List<Guid>();
        int clients = 0, lines = 0, userCount = 0;
        try
        {
            foreach (var plan in Plans)
            {
                var now = time.GetUtcNow().UtcDateTime;
                var (tenantId, written) = await SeedTenantAsync(plan, now, cancellationToken);
                seeded.Add(tenantId);
                foreach (var user in plan.Users)
                {
                    await CreateUserAsync(tenantId, user, now);
                }

                clients += written.Clients;
                lines += written.Lines;
                userCount += plan.Users.Count;
                logger.LogInformation(
                    "Demo tenant {Tenant} seeded: {Clients} clients, {Lines} recurring lines, {CatalogItems} catalog items, users {Users}, one API key",
                    plan.Name, written.Clients, written.Lines, written.CatalogItems, string.Join(", ", plan.Users.Select(u => $"{u.Email} ({u.Role})")));
            }
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Demo seed failed; removing the partly seeded tenants so the next start seeds again.");
            await RemoveAsync(seeded);
            throw;
        }

        return new DemoSeedResult(true, seeded.Count, clients, lines, userCount, seeded.Count);
    }

    /// <summary>The tenant row, its catalog, clients, lines and API key, committed together.</summary>
    private async Task<(Guid TenantId, GeneratorWriteResult Written)> SeedTenantAsync(TenantPlan plan, DateTime now, CancellationToken cancellationToken)
    {
        // Protect before the transaction: the first protection writes the Data Protection key, which must not wait on our own write lock.
        var credentials = plan.VendorConnections ? DemoVendors.Connections.Select(c => protector.Protect(c.Credentials)).ToList() : [];
        var accountingCredentials = plan.VendorConnections ? accountingProtector.Protect(DemoVendors.ConductorCredentials) : null;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var tenant = new Tenant { Name = plan.Name, CreatedUtc = now };
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync(cancellationToken);

        db.ForTenant(tenant.Id, Actor);
        var specs = DataGenerator.Generate(plan.ClientCount, plan.GeneratorSeed);
        var written = await DataGenerator.WriteAsync(db, tenant.Id, specs, time, cancellationToken);
        db.ApiKeys.Add(new ApiKey
        {
            TenantId = tenant.Id,
            Name = DemoApiKeyName,
            Prefix = ApiKey.PrefixOf(plan.ApiKey),
            Hash = ApiKey.HashKey(plan.ApiKey),
            CreatedUtc = now,
            CreatedBy = Actor,
        });
        if (plan.VendorConnections)
        {
            foreach (var (spec, protectedCredentials) in DemoVendors.Connections.Zip(credentials))
            {
                // The real address is set once the app listens (DemoSimulatorLinks); the port is not known yet.
                var (baseUrl, tokenUrl) = DemoVendors.Urls(spec.Kind, "http://localhost:5000");
                db.VendorConnections.Add(new VendorConnection
                {
                    Kind = spec.Kind,
                    Name = spec.Name,
                    BaseUrl = baseUrl,
                    TokenUrl = tokenUrl,
                    ProtectedCredentials = protectedCredentials,
                    CredentialHint = CredentialProtector.Hint(spec.Kind, spec.Credentials),
                    CreatedUtc = now,
                    UpdatedUtc = now,
                });
            }
        }

        if (accountingCredentials is not null)
        {
            // QuickBooks Desktop through Conductor, simulated in the app; customers and items are imported and mapped once
            // the app listens (DemoAccountingSetup).
            db.AccountingConnections.Add(new Accounting.AccountingConnection
            {
                Kind = Accounting.AccountingKind.Conductor,
                BaseUrl = DemoVendors.ConductorUrl("http://localhost:5000"),
                ProtectedCredentials = accountingCredentials,
                CredentialHint = Accounting.AccountingCredentialProtector.Hint(Accounting.AccountingKind.Conductor, DemoVendors.ConductorCredentials),
                TimeoutSeconds = 30,
                CreatedUtc = now,
                UpdatedUtc = now,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        if (plan.VendorConnections)
        {
            await DemoBilling.BindLinesAsync(db, now, cancellationToken);
            var psa = await DemoTickets.AddAsync(db, specs, now, plan.GeneratorSeed, cancellationToken);
            logger.LogInformation("Demo tenant {Tenant}: {Tickets} tickets, {Entries} time entries, {Blocks} prepaid blocks", plan.Name, psa.Tickets, psa.Entries, psa.Blocks);
        }

        await tx.CommitAsync(cancellationToken);
        return (tenant.Id, written);
    }

    // Identity's stores save through their own context, so users are created after the tenant is committed.
    private async Task CreateUserAsync(Guid tenantId, SeedUser seedUser, DateTime now)
    {
        var user = new AppUser
        {
            TenantId = tenantId,
            UserName = seedUser.Email,
            Email = seedUser.Email,
            EmailConfirmed = true,
            DisplayName = seedUser.DisplayName,
            CreatedUtc = now,
        };
        Check(await users.CreateAsync(user, DemoPassword), seedUser.Email);
        Check(await users.AddToRoleAsync(user, seedUser.Role), seedUser.Email);
    }

    private static void Check(IdentityResult result, string email)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not create the demo user {email}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    /// <summary>Undoes a partial seed. Runs without the caller's token: a cancelled start must still leave an empty database.</summary>
    private async Task RemoveAsync(List<Guid> tenantIds)
    {
        if (tenantIds.Count == 0)
        {
            return;
        }

        try
        {
            await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
            var userIds = db.Users.Where(u => tenantIds.Contains(u.TenantId)).Select(u => u.Id);
            await db.UserRoles.Where(r => userIds.Contains(r.UserId)).ExecuteDeleteAsync(CancellationToken.None);
            await db.Users.Where(u => tenantIds.Contains(u.TenantId)).ExecuteDeleteAsync(CancellationToken.None);
            // The rows of the seeded tenants are removed together, which no tenant-bound context could see at once.
            await db.RecurringLines.IgnoreQueryFilters([AppDbContext.TenantFilter]).Where(l => tenantIds.Contains(l.TenantId)).ExecuteDeleteAsync(CancellationToken.None);
            await db.Agreements.IgnoreQueryFilters([AppDbContext.TenantFilter]).Where(a => tenantIds.Contains(a.TenantId)).ExecuteDeleteAsync(CancellationToken.None);
            await db.Clients.IgnoreQueryFilters([AppDbContext.TenantFilter]).Where(c => tenantIds.Contains(c.TenantId)).ExecuteDeleteAsync(CancellationToken.None);
            await db.CatalogItems.IgnoreQueryFilters([AppDbContext.TenantFilter]).Where(i => tenantIds.Contains(i.TenantId)).ExecuteDeleteAsync(CancellationToken.None);
            await db.TimeEntries.IgnoreQueryFilters([AppDbContext.TenantFilter]).Where(e => tenantIds.Contains(e.TenantId)).ExecuteDeleteAsync(CancellationToken.None);
            await db.Tickets.IgnoreQueryFilters([AppDbContext.TenantFilter]).Where(t => tenantIds.Contains(t.TenantId)).ExecuteDeleteAsync(CancellationToken.None);
            await db.HourBlocks.IgnoreQueryFilters([AppDbContext.TenantFilter]).Where(b => tenantIds.Contains(b.TenantId)).ExecuteDeleteAsync(CancellationToken.None);
            await db.VendorConnections.IgnoreQueryFilters([AppDbContext.TenantFilter]).Where(c => tenantIds.Contains(c.TenantId)).ExecuteDeleteAsync(CancellationToken.None);
            await db.ApiKeys.IgnoreQueryFilters([AppDbContext.TenantFilter]).Where(k => tenantIds.Contains(k.TenantId)).ExecuteDeleteAsync(CancellationToken.None);
            // Audit entries stay: the log is append-only (the database refuses deletes); without their tenant no one sees them.
            await db.Tenants.Where(t => tenantIds.Contains(t.Id)).ExecuteDeleteAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not remove the partly seeded demo tenants; delete the demo database to start over.");
        }
    }
}
