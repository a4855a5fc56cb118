using System;
using System.IO;
using System.Linq;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CommandCenter.Migrations.Sqlite.Migrations
{
    /// <summary>
    /// Quartz's ADO.NET job store tables (QRTZ_*) for Scheduler:Clustered. Raw SQL only: the EF model does not change.
    /// The script (Migrations/Sql/QuartzSchema.sql, embedded) is Quartz 4.7.3's own create script for this database.
    /// </summary>
    public partial class QuartzSchema : Migration
    {
        private const string Script = "CommandCenter.Migrations.Sqlite.QuartzSchema.sql";

        // Children before the tables their foreign keys point at.
        private static readonly string[] Tables =
        [
            "JOB_STATUS", "MISFIRE_HISTORY", "EXECUTION_HISTORY", "LOCKS", "SCHEDULER_STATE", "FIRED_TRIGGERS",
            "PAUSED_JOB_GRPS", "PAUSED_TRIGGER_GRPS", "CALENDARS", "BLOB_TRIGGERS", "SIMPROP_TRIGGERS", "CRON_TRIGGERS",
            "SIMPLE_TRIGGERS", "TRIGGERS", "JOB_DETAILS",
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            using var stream = typeof(QuartzSchema).Assembly.GetManifestResourceStream(Script)
                ?? throw new InvalidOperationException($"Embedded resource {Script} is missing.");
            using var reader = new StreamReader(stream);
            var statements = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal)
                .Split("\n--;;\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(s => s.Split('\n').Any(line => !line.StartsWith("--", StringComparison.Ordinal) && line.Trim().Length > 0));
            foreach (var statement in statements)
            {
                migrationBuilder.Sql(statement);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in Tables)
            {
                migrationBuilder.Sql($"DROP TABLE IF EXISTS QRTZ_{table};");
            }
        }
    }
}
