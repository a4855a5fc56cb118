using System.ComponentModel.DataAnnotations;

namespace CommandCenter.Persistence;

public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary><c>Sqlite</c> (the embedded default) or <c>SqlServer</c>.</summary>
    [Required, RegularExpression("^(Sqlite|SqlServer)$", ErrorMessage = "Database:Provider must be Sqlite or SqlServer.")]
    public string Provider { get; set; } = Providers.Sqlite;

    /// <summary>Connection string; for SQLite a relative data source is placed under the content root's App_Data folder.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations at start (always on in demo mode).</summary>
    public bool MigrateOnStart { get; set; }

    public static class Providers
    {
        public const string Sqlite = "Sqlite";
        public const string SqlServer = "SqlServer";
    }
}
