using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CommandCenter.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Accounting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "DocumentVersion",
                table: "Invoices",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "PostedUtc",
                table: "Invoices",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "WorkStartedUtc",
                table: "BillingRuns",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AccountingConnections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    BaseUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    TokenUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    AuthorizeUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ProtectedCredentials = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    CredentialHint = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    TimeoutSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    LastCheckedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CustomersImportedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ItemsImportedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FallbackItemRef = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    IifArAccount = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    IifIncomeAccount = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    IifDateFormat = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    SettingsVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccountingConnections", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AccountingRecords",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConnectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    IncomeAccount = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Price = table.Column<decimal>(type: "TEXT", precision: 19, scale: 5, nullable: true),
                    ImportedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccountingRecords", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Corrections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InvoiceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClientId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClientName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Lines = table.Column<string>(type: "TEXT", nullable: false),
                    Total = table.Column<decimal>(type: "TEXT", precision: 19, scale: 2, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Corrections", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IifExports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Period = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Documents = table.Column<int>(type: "INTEGER", nullable: false),
                    Total = table.Column<decimal>(type: "TEXT", precision: 19, scale: 2, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ExportedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ExportedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Repeat = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IifExports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "InvoicePostings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Period = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ClientId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClientName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    InvoiceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CorrectionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    DocumentVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ExternalGuid = table.Column<Guid>(type: "TEXT", nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DocumentKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 21, nullable: false),
                    Total = table.Column<decimal>(type: "TEXT", precision: 19, scale: 2, nullable: false),
                    Document = table.Column<string>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ExternalNumber = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    QueuedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    QueuedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FinishedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    NextAttemptUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ExportId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InvoicePostings", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AccountingConnections_TenantId",
                table: "AccountingConnections",
                column: "TenantId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AccountingRecords_TenantId_ConnectionId_Kind_ExternalId",
                table: "AccountingRecords",
                columns: new[] { "TenantId", "ConnectionId", "Kind", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Corrections_TenantId_RunId",
                table: "Corrections",
                columns: new[] { "TenantId", "RunId" });

            migrationBuilder.CreateIndex(
                name: "IX_IifExports_TenantId_Period",
                table: "IifExports",
                columns: new[] { "TenantId", "Period" });

            migrationBuilder.CreateIndex(
                name: "IX_InvoicePostings_State_TenantId",
                table: "InvoicePostings",
                columns: new[] { "State", "TenantId" });

            migrationBuilder.CreateIndex(
                name: "IX_InvoicePostings_TenantId_IdempotencyKey",
                table: "InvoicePostings",
                columns: new[] { "TenantId", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InvoicePostings_TenantId_RunId_InvoiceId",
                table: "InvoicePostings",
                columns: new[] { "TenantId", "RunId", "InvoiceId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AccountingConnections");

            migrationBuilder.DropTable(
                name: "AccountingRecords");

            migrationBuilder.DropTable(
                name: "Corrections");

            migrationBuilder.DropTable(
                name: "IifExports");

            migrationBuilder.DropTable(
                name: "InvoicePostings");

            migrationBuilder.DropColumn(
                name: "DocumentVersion",
                table: "Invoices");

            migrationBuilder.DropColumn(
                name: "PostedUtc",
                table: "Invoices");

            migrationBuilder.DropColumn(
                name: "WorkStartedUtc",
                table: "BillingRuns");
        }
    }
}
