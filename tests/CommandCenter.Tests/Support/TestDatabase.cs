using CommandCenter.Audit;
using CommandCenter.Common;
using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Tests.Support;

/// <summary>
/// A real SQLite database (in memory, kept alive by one open connection) built by the real migrations,
/// with one tenant created and a <see cref="TenantDb"/> bound to it.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly SqliteConnection _connection;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 15, 12, 0, 0, TimeSpan.Zero));
    public IDbContextFactory<AppDbContext> Factory { get; }
    public Guid TenantId { get; private set; }
    public AuditWriter Audit { get; }

    /// <summary>This test "instance"'s leases on the database (a second <see cref="CommandCenter.Common.Leases"/> is another instance).</summary>
    public CommandCenter.Common.Leases NewLeases() => new(Factory, Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<CommandCenter.Common.Leases>.Instance);

    private readonly string? _file;

    private TestDatabase(string? file = null)
    {
        _file = file;
        _connection = new SqliteConnection(file is null ? "Data Source=:memory:" : $"Data Source={file}");
        _connection.Open();
        // In memory, every context shares the one connection (not thread-safe); on a file each context opens its own,
        // as in the app, for tests where reads and writes run at the same time.
        var options = file is null
            ? new DbContextOptionsBuilder<AppDbContext>().UseSqlite(_connection, s => s.MigrationsAssembly(PersistenceModule.SqliteMigrationsAssembly)).Options
            : new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={file};Pooling=False", s => s.MigrationsAssembly(PersistenceModule.SqliteMigrationsAssembly)).Options;
        Factory = new Factory_(options);
        Audit = new AuditWriter(Time);
    }

    /// <summary>A migrated database in a temporary file (WAL, deleted at the end), with the test tenant: for concurrent tests.</summary>
    public static async Task<TestDatabase> CreateOnFileAsync(string tenantName = "Test MSP")
    {
        var db = new TestDatabase(Path.Combine(Path.GetTempPath(), $"cc-test-{Guid.NewGuid():N}.db"));
        await using (var ctx = db.Factory.CreateDbContext())
        {
            await ctx.Database.MigrateAsync();
            await ctx.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        db.TenantId = await db.AddTenantAsync(tenantName);
        return db;
    }

    public static async Task<TestDatabase> CreateAsync(string tenantName = "Test MSP")
    {
        var db = await CreateEmptyAsync();
        db.TenantId = await db.AddTenantAsync(tenantName);
        return db;
    }

    /// <summary>A migrated database without any tenant (what a first start sees); <see cref="TenantId"/> stays empty.</summary>
    public static async Task<TestDatabase> CreateEmptyAsync()
    {
        var db = new TestDatabase();
        await using (var ctx = db.Factory.CreateDbContext())
        {
            await ctx.Database.MigrateAsync();
        }

        return db;
    }

    public async Task<Guid> AddTenantAsync(string name)
    {
        await using var ctx = Factory.CreateDbContext();
        var tenant = new Tenant { Name = name, CreatedUtc = Time.GetUtcNow().UtcDateTime };
        ctx.Tenants.Add(tenant);
        await ctx.SaveChangesAsync();
        return tenant.Id;
    }

    /// <summary>A TenantDb acting for <paramref name="tenantId"/> (default: the test tenant) as <paramref name="actor"/>.</summary>
    public TenantDb TenantDb(Guid? tenantId = null, string actor = "tester@test.local") =>
        new(Factory, new FixedTenantContext(new TenantScope(tenantId ?? TenantId, actor, Roles.Owner)));

    /// <summary>A context for the test tenant, for arranging and asserting.</summary>
    public AppDbContext Open(Guid? tenantId = null) => Factory.CreateDbContext().ForTenant(tenantId ?? TenantId, "tester@test.local");

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        if (_file is not null)
        {
            foreach (var path in new[] { _file, _file + "-wal", _file + "-shm" })
            {
                File.Delete(path);
            }
        }
    }

    private sealed class Factory_(DbContextOptions<AppDbContext> options) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext() => new(options);
    }
}
