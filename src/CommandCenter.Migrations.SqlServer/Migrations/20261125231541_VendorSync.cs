using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CommandCenter.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class VendorSync : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CountSnapshots",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    TenantId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ConnectionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    SyncRunId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    OrganizationExternalId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Metric = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Count = table.Column<decimal>(type: "decimal(19,4)", precision: 19, scale: 4, nullable: false),
                    TakenUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Assets = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    Licences = table.Column<string>(type: "nvarchar(max)", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CountSnapshots", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    FriendlyName = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    Xml = table.Column<string>(type: "nvarchar(max)", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SyncRuns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    TenantId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ConnectionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Trigger = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    StartedUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    FinishedUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    Organizations = table.Column<int>(type: "int", nullable: false),
                    Pages = table.Column<int>(type: "int", nullable: false),
                    Items = table.Column<int>(type: "int", nullable: false),
                    Error = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SyncRuns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "UsageMappings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    TenantId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ConnectionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Metric = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Key = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false),
                    CatalogItemId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    SuggestedCatalogItemId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    SuggestionScore = table.Column<int>(type: "int", nullable: true),
                    MappedUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    MappedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageMappings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_UsageMappings_CatalogItems_CatalogItemId",
                        column: x => x.CatalogItemId,
                        principalTable: "CatalogItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "VendorConnections",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    TenantId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Name = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    BaseUrl = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false),
                    TokenUrl = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    InventoryPath = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    ProtectedCredentials = table.Column<string>(type: "nvarchar(max)", maxLength: 8000, nullable: false),
                    CredentialHint = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    ScheduleMinutes = table.Column<int>(type: "int", nullable: false),
                    Enabled = table.Column<bool>(type: "bit", nullable: false),
                    RequestsPerMinute = table.Column<int>(type: "int", nullable: true),
                    PageSize = table.Column<int>(type: "int", nullable: true),
                    TimeoutSeconds = table.Column<int>(type: "int", nullable: false),
                    MaxRetries = table.Column<int>(type: "int", nullable: false),
                    SettingsVersion = table.Column<int>(type: "int", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    UpdatedUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    LastStatus = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    LastSyncStartedUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    LastSuccessUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    LastFailureUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    LastError = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    LastDurationMs = table.Column<long>(type: "bigint", nullable: true),
                    LastItemsFetched = table.Column<int>(type: "int", nullable: true),
                    LastOrganizations = table.Column<int>(type: "int", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VendorConnections", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "VendorOrganizations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    TenantId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ConnectionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ExternalId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false),
                    ClientId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    Ignored = table.Column<bool>(type: "bit", nullable: false),
                    MappedUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    MappedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    SuggestedClientId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    SuggestionScore = table.Column<int>(type: "int", nullable: true),
                    Active = table.Column<bool>(type: "bit", nullable: false),
                    FirstSeenUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    LastSeenUtc = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VendorOrganizations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VendorOrganizations_Clients_ClientId",
                        column: x => x.ClientId,
                        principalTable: "Clients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CountSnapshots_SyncRunId",
                table: "CountSnapshots",
                column: "SyncRunId");

            migrationBuilder.CreateIndex(
                name: "IX_CountSnapshots_TenantId_ConnectionId_OrganizationExternalId_Metric_TakenUtc",
                table: "CountSnapshots",
                columns: new[] { "TenantId", "ConnectionId", "OrganizationExternalId", "Metric", "TakenUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_SyncRuns_TenantId_ConnectionId_StartedUtc",
                table: "SyncRuns",
                columns: new[] { "TenantId", "ConnectionId", "StartedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_UsageMappings_CatalogItemId",
                table: "UsageMappings",
                column: "CatalogItemId");

            migrationBuilder.CreateIndex(
                name: "IX_UsageMappings_TenantId_ConnectionId_Metric_Key",
                table: "UsageMappings",
                columns: new[] { "TenantId", "ConnectionId", "Metric", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VendorConnections_TenantId_Name",
                table: "VendorConnections",
                columns: new[] { "TenantId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VendorOrganizations_ClientId",
                table: "VendorOrganizations",
                column: "ClientId");

            migrationBuilder.CreateIndex(
                name: "IX_VendorOrganizations_TenantId_ClientId",
                table: "VendorOrganizations",
                columns: new[] { "TenantId", "ClientId" });

            migrationBuilder.CreateIndex(
                name: "IX_VendorOrganizations_TenantId_ConnectionId_ExternalId",
                table: "VendorOrganizations",
                columns: new[] { "TenantId", "ConnectionId", "ExternalId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CountSnapshots");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "SyncRuns");

            migrationBuilder.DropTable(
                name: "UsageMappings");

            migrationBuilder.DropTable(
                name: "VendorConnections");

            migrationBuilder.DropTable(
                name: "VendorOrganizations");
        }
    }
}
