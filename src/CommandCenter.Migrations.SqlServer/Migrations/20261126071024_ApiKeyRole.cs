using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CommandCenter.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class ApiKeyRole : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Role",
                table: "ApiKeys",
                type: "nvarchar(20)",
                maxLength: 20,
                nullable: false,
                // Keys made before roles existed had every right: they keep it as Owner.
                defaultValue: "Owner");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Role",
                table: "ApiKeys");
        }
    }
}
