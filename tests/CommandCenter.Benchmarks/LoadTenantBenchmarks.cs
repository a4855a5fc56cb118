using System.Globalization;
using BenchmarkDotNet.Attributes;
using CommandCenter.Clients;
using CommandCenter.Common;
using CommandCenter.Demo;
using CommandCenter.Persistence;
using CommandCenter.Tenancy;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Reads a large tenant from a SQLite file built by the real migrations: the whole book of business with its lines,
/// and one page of the client list as the UI asks for it.
/// </summary>
[MemoryDiagnoser]
public class LoadTenantBenchmarks
{
    private string _path = "";
    private DbContextOptions<AppDbContext> _options = null!;
    private Guid _tenantId;
    private ListClients.Handler _listClients = null!;

    [Params(5000)]
    public int ClientCount { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _path = Path.Combine(Path.GetTempPath(), $"cc-bench-{Guid.NewGuid():N}.db");
        _options = new DbContextOptionsBuilder<AppDbContext>()
            .UseSqlite($"Data Source={_path}", s => s.MigrationsAssembly(PersistenceModule.SqliteMigrationsAssembly))
            .Options;
        var factory = new Factory(_options);
        await using (var db = factory.CreateDbContext())
        {
            await db.Database.MigrateAsync();
            var tenant = new Tenant { Name = "Benchmark MSP", CreatedUtc = TimeProvider.System.GetUtcNow().UtcDateTime };
            db.Tenants.Add(tenant);
            await db.SaveChangesAsync();
            _tenantId = tenant.Id;

            var started = TimeProvider.System.GetTimestamp();
            var written = await DataGenerator.WriteAsync(db.ForTenant(_tenantId, "benchmark"), _tenantId, DataGenerator.Generate(ClientCount, seed: 1), TimeProvider.System);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// Setup: wrote {written.Clients} clients, {written.Lines} lines, {written.CatalogItems} catalog items in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:F2} s"));
        }

        var tenantDb = new TenantDb(factory, new FixedTenantContext(new TenantScope(_tenantId, "benchmark", Roles.Owner)));
        _listClients = new ListClients.Handler(tenantDb, TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    /// <summary>Every client with its lines, projected like the client list, money summed in C#.</summary>
    [Benchmark]
    public async Task<int> LoadAllClientsWithLines()
    {
        await using var db = new AppDbContext(_options).ForTenant(_tenantId, "benchmark");
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        var rows = await db.Clients.AsNoTracking()
            .OrderBy(c => c.Name)
            .Select(c => new
            {
                c.Id,
                c.Name,
                c.Status,
                c.HourlyRate,
                c.AccountingCustomerRef,
                Lines = c.Agreement!.Lines.Select(l => new { l.Item!.UnitPrice, l.UnitPriceOverride, l.Quantity, l.IncludedUnits, l.Minimum, l.EffectiveFrom, l.EffectiveTo }).ToList(),
            })
            .ToListAsync();
        var clients = rows.Select(r => new ClientRow(
                r.Id,
                r.Name,
                r.Status,
                r.HourlyRate,
                r.AccountingCustomerRef,
                r.Lines.Count,
                r.Lines
                    .Where(l => l.EffectiveFrom <= today && (l.EffectiveTo is null || l.EffectiveTo > today))
                    .Sum(l => Money.RoundCents((l.UnitPriceOverride ?? l.UnitPrice) * RecurringLine.BilledQuantity(l.Quantity, l.IncludedUnits, l.Minimum)))))
            .ToList();
        return clients.Count;
    }

    /// <summary>The first page of 25 through the real handler (count, sort by name, page, project).</summary>
    [Benchmark]
    public async Task<int> ListClientsPage()
    {
        var page = await _listClients.HandleAsync(new ListClients.Request(Page: 1, PageSize: 25));
        return page.Items.Count;
    }

    private sealed class Factory(DbContextOptions<AppDbContext> options) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext() => new(options);
    }
}
