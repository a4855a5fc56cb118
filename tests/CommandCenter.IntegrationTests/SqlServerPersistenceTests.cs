using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Persistence;
using DotNet.Testcontainers.Configurations;
using Microsoft.EntityFrameworkCore;
using Testcontainers.MsSql;

namespace CommandCenter.IntegrationTests;

/// <summary>The SQL Server migrations and the tenant filter on a real SQL Server; skipped (with its reason) when no Docker engine answers.</summary>
public sealed class SqlServerPersistenceTests
{
    [Fact]
    public async Task Migrations_OnSqlServer_ApplyAndTenantFilterHolds()
    {
        Assert.SkipWhen(TestcontainersSettings.OS.DockerEndpointAuthConfig is null, "Docker engine not available: SQL Server container test skipped");
        var ct = TestContext.Current.CancellationToken;
        await using var container = new MsSqlBuilder("mcr.microsoft.com/mssql/server:2022-latest").Build();
        await container.StartAsync(ct);
        var options = new DbContextOptionsBuilder<AppDbContext>();
        PersistenceModule.Configure(options, DatabaseOptions.Providers.SqlServer, container.GetConnectionString());

        await using (var db = new AppDbContext(options.Options))
        {
            await db.Database.MigrateAsync(ct);
            db.Tenants.AddRange(new Tenancy.Tenant { Id = TenantA, Name = "A" }, new Tenancy.Tenant { Id = TenantB, Name = "B" });
            await db.SaveChangesAsync(ct);
        }

        await using (var a = new AppDbContext(options.Options).ForTenant(TenantA, "test"))
        {
            a.Clients.Add(new Client { Name = "Only in A", HourlyRate = 150.25m });
            await a.SaveChangesAsync(ct);
        }

        await using var b = new AppDbContext(options.Options).ForTenant(TenantB, "test");
        (await b.Clients.CountAsync(ct)).ShouldBe(0);
        await using var a2 = new AppDbContext(options.Options).ForTenant(TenantA, "test");
        (await a2.Clients.SingleAsync(ct)).HourlyRate.ShouldBe(150.25m);
    }

    [Fact]
    public async Task AuditEntries_OnSqlServer_InsertWorks_UpdateAndDeleteRefusedByTheTrigger()
    {
        Assert.SkipWhen(TestcontainersSettings.OS.DockerEndpointAuthConfig is null, "Docker engine not available: SQL Server container test skipped");
        var ct = TestContext.Current.CancellationToken;
        await using var container = new MsSqlBuilder("mcr.microsoft.com/mssql/server:2022-latest").Build();
        await container.StartAsync(ct);
        var options = new DbContextOptionsBuilder<AppDbContext>();
        PersistenceModule.Configure(options, DatabaseOptions.Providers.SqlServer, container.GetConnectionString());
        await using (var db = new AppDbContext(options.Options))
        {
            await db.Database.MigrateAsync(ct);
            db.Tenants.Add(new Tenancy.Tenant { Id = TenantA, Name = "A" });
            await db.SaveChangesAsync(ct);
        }

        await using var a = new AppDbContext(options.Options).ForTenant(TenantA, "test");
        // EF inserts with OUTPUT; SQL Server allows it because the trigger is for UPDATE and DELETE only.
        new global::CommandCenter.Audit.AuditWriter(TimeProvider.System).Record(a, "client.created", "Client", Guid.NewGuid(), null, new { Name = "Acme" });
        await a.SaveChangesAsync(ct);

        (await Should.ThrowAsync<Microsoft.Data.SqlClient.SqlException>(() => a.AuditEntries.ExecuteUpdateAsync(u => u.SetProperty(e => e.Reason, "rewritten"), ct)))
            .Message.ShouldContain("append-only");
        (await Should.ThrowAsync<Microsoft.Data.SqlClient.SqlException>(() => a.Database.ExecuteSqlRawAsync("DELETE FROM AuditEntries", ct)))
            .Message.ShouldContain("append-only");
        (await a.AuditEntries.CountAsync(ct)).ShouldBe(1);
    }

    private static readonly Guid TenantA = Guid.Parse("0000000a-0000-0000-0000-000000000000");
    private static readonly Guid TenantB = Guid.Parse("0000000b-0000-0000-0000-000000000000");
}
