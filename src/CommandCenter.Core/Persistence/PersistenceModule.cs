using CommandCenter.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CommandCenter.Persistence;

public static class PersistenceModule
{
    public const string SqliteMigrationsAssembly = "CommandCenter.Migrations.Sqlite";
    public const string SqlServerMigrationsAssembly = "CommandCenter.Migrations.SqlServer";

    public static IHostApplicationBuilder AddPersistence(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var options = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = ResolveConnectionString(options, builder.Environment.ContentRootPath);

        builder.Services.AddDbContextFactory<AppDbContext>(db => Configure(db, options.Provider, connectionString));
        builder.Services.AddScoped<TenantDb>();
        builder.Services.AddSingleton<AuditWriter>();
        builder.Services.AddSingleton<Common.Leases>();
        builder.Services.AddScoped<AuditLog.Handler>();
        builder.Services.AddTransient<DatabaseInitializer>();
        return builder;
    }

    public static void Configure(DbContextOptionsBuilder db, string provider, string connectionString)
    {
        if (string.Equals(provider, DatabaseOptions.Providers.SqlServer, StringComparison.OrdinalIgnoreCase))
        {
            db.UseSqlServer(connectionString, sql => sql.MigrationsAssembly(SqlServerMigrationsAssembly));
        }
        else
        {
            db.UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(SqliteMigrationsAssembly));
        }
    }

    public static string ResolveConnectionString(DatabaseOptions options, string contentRoot)
    {
        if (string.Equals(options.Provider, DatabaseOptions.Providers.SqlServer, StringComparison.OrdinalIgnoreCase))
        {
            // Design-time tools (migrations add, has-pending-model-changes, script) never connect.
            return options.ConnectionString
                ?? (EF.IsDesignTime ? "Server=design-time;Database=CommandCenter" : null)
                ?? throw new InvalidOperationException("Database:ConnectionString is required for SQL Server.");
        }

        var sqlite = new SqliteConnectionStringBuilder(options.ConnectionString ?? "Data Source=commandcenter.db");
        if (!Path.IsPathRooted(sqlite.DataSource) && sqlite.DataSource != ":memory:" && !sqlite.DataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            var dataDir = Path.Combine(contentRoot, "App_Data");
            Directory.CreateDirectory(dataDir);
            sqlite.DataSource = Path.Combine(dataDir, sqlite.DataSource);
        }

        // Writers wait for each other (up to the busy timeout) instead of failing at once with "database is locked";
        // Microsoft.Data.Sqlite retries a busy statement until then. 30 s unless the connection string sets its own
        // "Default Timeout" (tests shorten it); past it the write is refused whole and reported (DatabaseBusy).
        if (!sqlite.ShouldSerialize("Default Timeout"))
        {
            sqlite.DefaultTimeout = 30;
        }
        return sqlite.ToString();
    }
}
