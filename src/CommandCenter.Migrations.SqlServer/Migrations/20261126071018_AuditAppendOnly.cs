using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CommandCenter.Migrations.SqlServer.Migrations
{
    /// <summary>
    /// The audit log is append-only in the database too: an INSTEAD OF trigger refuses every UPDATE and DELETE of
    /// AuditEntries, whoever issues it (the app, a script, a tool). Raw SQL only: the EF model does not change. Inserts
    /// have no trigger, so EF's INSERT … OUTPUT keeps working (SQL Server refuses OUTPUT without INTO only on a table
    /// with a trigger for that same action).
    /// </summary>
    public partial class AuditAppendOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Through EXEC: CREATE TRIGGER must open its batch, and the idempotent script wraps each statement in IF … BEGIN.
            migrationBuilder.Sql("""
                EXEC(N'CREATE TRIGGER [AuditEntries_AppendOnly] ON [AuditEntries]
                INSTEAD OF UPDATE, DELETE
                AS
                BEGIN
                    SET NOCOUNT ON;
                    THROW 51000, ''audit entries are append-only'', 1;
                END;');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS [AuditEntries_AppendOnly];");
        }
    }
}
