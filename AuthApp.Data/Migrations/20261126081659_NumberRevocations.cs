using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuthApp.Data.Migrations
{
    /// <inheritdoc />
    public partial class NumberRevocations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "revocation_seq",
                table: "sessions",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "revocation_counter",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    value = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_revocation_counter", x => x.id);
                });

            migrationBuilder.InsertData(
                table: "revocation_counter",
                columns: new[] { "id", "value" },
                values: new object[] { 1, 0L });

            migrationBuilder.CreateIndex(
                name: "ix_sessions_revocation_seq",
                table: "sessions",
                column: "revocation_seq");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "revocation_counter");

            migrationBuilder.DropIndex(
                name: "ix_sessions_revocation_seq",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "revocation_seq",
                table: "sessions");
        }
    }
}
