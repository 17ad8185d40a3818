using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AuthApp.Data.Migrations
{
    /// <inheritdoc />
    public partial class SignInSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_sessions_user_or_client",
                table: "sessions");

            migrationBuilder.AddColumn<string>(
                name: "address",
                table: "sessions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "kind",
                table: "sessions",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "api");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "last_used_at",
                table: "sessions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "parent_id",
                table: "sessions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "user_agent",
                table: "sessions",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    friendly_name = table.Column<string>(type: "text", nullable: true),
                    xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sessions_parent_id",
                table: "sessions",
                column: "parent_id",
                filter: "parent_id IS NOT NULL");

            // Sessions already there: a client's are services' grants; every session was last used at its last refresh.
            migrationBuilder.Sql("UPDATE sessions SET kind = 'service' WHERE user_id IS NULL");
            migrationBuilder.Sql("UPDATE sessions SET last_used_at = refresh_issued_at");
            migrationBuilder.AddCheckConstraint(
                name: "ck_sessions_user_or_client",
                table: "sessions",
                sql: "user_id IS NOT NULL OR (client_id IS NOT NULL AND kind = 'service')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropIndex(
                name: "ix_sessions_parent_id",
                table: "sessions");

            migrationBuilder.DropCheckConstraint(
                name: "ck_sessions_user_or_client",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "address",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "kind",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "last_used_at",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "parent_id",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "user_agent",
                table: "sessions");

            migrationBuilder.AddCheckConstraint(
                name: "ck_sessions_user_or_client",
                table: "sessions",
                sql: "(user_id IS NULL) <> (client_id IS NULL)");
        }
    }
}
