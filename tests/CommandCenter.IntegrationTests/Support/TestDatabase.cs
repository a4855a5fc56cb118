using DotNet.Testcontainers.Configurations;
using Microsoft.Data.SqlClient;
using Testcontainers.MsSql;

namespace CommandCenter.IntegrationTests.Support;

/// <summary>
/// The database the integration suite runs on: SQLite (a file per app, the default) or SQL Server when the environment
/// variable <c>CC_TEST_DATABASE=SqlServer</c> is set — then one SQL Server container (Testcontainers) serves the whole
/// run and every app gets a database of its own, created by the same migrations the product applies.
/// </summary>
public static class TestDatabase
{
    public const string Variable = "CC_TEST_DATABASE";

    private static readonly Lazy<Task<MsSqlContainer>> Container = new(StartContainerAsync);

    public static bool IsSqlServer =>
        string.Equals(Environment.GetEnvironmentVariable(Variable), "SqlServer", StringComparison.OrdinalIgnoreCase);

    public static string Provider => IsSqlServer ? "SqlServer" : "Sqlite";

    /// <summary>Null when a Docker engine answers; else why SQL Server tests cannot run here.</summary>
    public static string? DockerUnavailableReason =>
        TestcontainersSettings.OS.DockerEndpointAuthConfig is null ? "Docker engine not available" : null;

    /// <summary>A connection string for a new, empty database (the app's migrations create it) on the run's container.</summary>
    public static string NewSqlServerDatabase()
    {
        var container = Container.Value.GetAwaiter().GetResult();
        var builder = new SqlConnectionStringBuilder(container.GetConnectionString())
        {
            InitialCatalog = "cc_" + Guid.NewGuid().ToString("N"),
            MultipleActiveResultSets = false,
        };
        return builder.ConnectionString;
    }

    private static async Task<MsSqlContainer> StartContainerAsync()
    {
        if (DockerUnavailableReason is { } reason)
        {
            throw new InvalidOperationException($"{Variable}=SqlServer, but: {reason}.");
        }

        var container = new MsSqlBuilder("mcr.microsoft.com/mssql/server:2022-latest").Build();
        await container.StartAsync();
        // Stopped with the test process (Testcontainers' resource reaper removes it).
        return container;
    }
}
