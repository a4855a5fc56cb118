using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CommandCenter.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Billing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SourceBasis",
                table: "RecurringLines",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceClasses",
                table: "RecurringLines",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SourceConnectionId",
                table: "RecurringLines",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceMetric",
                table: "RecurringLines",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceProduct",
                table: "RecurringLines",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AlterColumn<int>(
                name: "TimeIncrementMinutes",
                table: "Agreements",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "INTEGER");

            migrationBuilder.AlterColumn<int>(
                name: "TicketMinimumMinutes",
                table: "Agreements",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<int>(
                name: "PaymentTermsDays",
                table: "Agreements",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "BillingRuns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Period = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RefreshedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PostedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BillingRuns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "BillingSettings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StaleAfterHours = table.Column<int>(type: "INTEGER", nullable: false),
                    DropPercent = table.Column<decimal>(type: "TEXT", precision: 9, scale: 4, nullable: false),
                    HighlightPercent = table.Column<decimal>(type: "TEXT", precision: 9, scale: 4, nullable: false),
                    HighlightAmount = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    PaymentTermsDays = table.Column<int>(type: "INTEGER", nullable: false),
                    TimeIncrementMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    TicketMinimumMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    InvoicePrefix = table.Column<string>(type: "TEXT", maxLength: 11, nullable: false),
                    NextInvoiceNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TimeItemId = table.Column<Guid>(type: "TEXT", nullable: true),
                    BlockItemId = table.Column<Guid>(type: "TEXT", nullable: true),
                    UpdatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BillingSettings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BillingSettings_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OneOffCharges",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClientId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    CatalogItemId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Quantity = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    UnitPrice = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    BilledInvoiceId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OneOffCharges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OneOffCharges_CatalogItems_CatalogItemId",
                        column: x => x.CatalogItemId,
                        principalTable: "CatalogItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_OneOffCharges_Clients_ClientId",
                        column: x => x.ClientId,
                        principalTable: "Clients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Invoices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClientId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClientName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 11, nullable: true),
                    InvoiceDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    DueDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Total = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    PreviousTotal = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: true),
                    IsCreditMemo = table.Column<bool>(type: "INTEGER", nullable: false),
                    OpenFlags = table.Column<int>(type: "INTEGER", nullable: false),
                    Changed = table.Column<bool>(type: "INTEGER", nullable: false),
                    Flagged = table.Column<bool>(type: "INTEGER", nullable: false),
                    NewerCountsAvailable = table.Column<bool>(type: "INTEGER", nullable: false),
                    ApprovedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ApprovedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ComputedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Lines = table.Column<string>(type: "TEXT", nullable: false),
                    Warnings = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Invoices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Invoices_BillingRuns_RunId",
                        column: x => x.RunId,
                        principalTable: "BillingRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Invoices_Clients_ClientId",
                        column: x => x.ClientId,
                        principalTable: "Clients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "LineAdjustments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClientId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LineKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Quantity = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: true),
                    UnitPrice = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: true),
                    Removed = table.Column<bool>(type: "INTEGER", nullable: false),
                    Decision = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    AddedItemId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AddedDescription = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    UpdatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LineAdjustments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LineAdjustments_BillingRuns_RunId",
                        column: x => x.RunId,
                        principalTable: "BillingRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RecurringLines_SourceConnectionId",
                table: "RecurringLines",
                column: "SourceConnectionId");

            migrationBuilder.CreateIndex(
                name: "IX_BillingRuns_TenantId_Period",
                table: "BillingRuns",
                columns: new[] { "TenantId", "Period" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_BillingSettings_TenantId",
                table: "BillingSettings",
                column: "TenantId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_ClientId",
                table: "Invoices",
                column: "ClientId");

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_RunId_ClientId",
                table: "Invoices",
                columns: new[] { "RunId", "ClientId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_TenantId_ClientId_Status",
                table: "Invoices",
                columns: new[] { "TenantId", "ClientId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_LineAdjustments_RunId_ClientId_LineKey",
                table: "LineAdjustments",
                columns: new[] { "RunId", "ClientId", "LineKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OneOffCharges_CatalogItemId",
                table: "OneOffCharges",
                column: "CatalogItemId");

            migrationBuilder.CreateIndex(
                name: "IX_OneOffCharges_ClientId",
                table: "OneOffCharges",
                column: "ClientId");

            migrationBuilder.CreateIndex(
                name: "IX_OneOffCharges_TenantId_Date",
                table: "OneOffCharges",
                columns: new[] { "TenantId", "Date" });

            migrationBuilder.AddForeignKey(
                name: "FK_RecurringLines_VendorConnections_SourceConnectionId",
                table: "RecurringLines",
                column: "SourceConnectionId",
                principalTable: "VendorConnections",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_RecurringLines_VendorConnections_SourceConnectionId",
                table: "RecurringLines");

            migrationBuilder.DropTable(
                name: "BillingSettings");

            migrationBuilder.DropTable(
                name: "Invoices");

            migrationBuilder.DropTable(
                name: "LineAdjustments");

            migrationBuilder.DropTable(
                name: "OneOffCharges");

            migrationBuilder.DropTable(
                name: "BillingRuns");

            migrationBuilder.DropIndex(
                name: "IX_RecurringLines_SourceConnectionId",
                table: "RecurringLines");

            migrationBuilder.DropColumn(
                name: "SourceBasis",
                table: "RecurringLines");

            migrationBuilder.DropColumn(
                name: "SourceClasses",
                table: "RecurringLines");

            migrationBuilder.DropColumn(
                name: "SourceConnectionId",
                table: "RecurringLines");

            migrationBuilder.DropColumn(
                name: "SourceMetric",
                table: "RecurringLines");

            migrationBuilder.DropColumn(
                name: "SourceProduct",
                table: "RecurringLines");

            migrationBuilder.DropColumn(
                name: "PaymentTermsDays",
                table: "Agreements");

            migrationBuilder.AlterColumn<int>(
                name: "TimeIncrementMinutes",
                table: "Agreements",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.AlterColumn<int>(
                name: "TicketMinimumMinutes",
                table: "Agreements",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "INTEGER",
                oldNullable: true);
        }
    }
}
