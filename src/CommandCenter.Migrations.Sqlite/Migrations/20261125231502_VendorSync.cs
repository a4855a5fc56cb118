using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CommandCenter.Migrations.Sqlite.Migrations
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConnectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SyncRunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationExternalId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Metric = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Count = table.Column<decimal>(type: "TEXT", precision: 19, scale: 4, nullable: false),
                    TakenUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Assets = table.Column<string>(type: "TEXT", nullable: true),
                    Licences = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CountSnapshots", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FriendlyName = table.Column<string>(type: "TEXT", nullable: true),
                    Xml = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SyncRuns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConnectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    StartedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FinishedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Organizations = table.Column<int>(type: "INTEGER", nullable: false),
                    Pages = table.Column<int>(type: "INTEGER", nullable: false),
                    Items = table.Column<int>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SyncRuns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "UsageMappings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConnectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Metric = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    CatalogItemId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SuggestedCatalogItemId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SuggestionScore = table.Column<int>(type: "INTEGER", nullable: true),
                    MappedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    MappedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    BaseUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    TokenUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    InventoryPath = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ProtectedCredentials = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    CredentialHint = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ScheduleMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    RequestsPerMinute = table.Column<int>(type: "INTEGER", nullable: true),
                    PageSize = table.Column<int>(type: "INTEGER", nullable: true),
                    TimeoutSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxRetries = table.Column<int>(type: "INTEGER", nullable: false),
                    SettingsVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastStatus = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    LastSyncStartedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastSuccessUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastFailureUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    LastDurationMs = table.Column<long>(type: "INTEGER", nullable: true),
                    LastItemsFetched = table.Column<int>(type: "INTEGER", nullable: true),
                    LastOrganizations = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VendorConnections", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "VendorOrganizations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConnectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    ClientId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Ignored = table.Column<bool>(type: "INTEGER", nullable: false),
                    MappedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    MappedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    SuggestedClientId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SuggestionScore = table.Column<int>(type: "INTEGER", nullable: true),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    FirstSeenUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSeenUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
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
