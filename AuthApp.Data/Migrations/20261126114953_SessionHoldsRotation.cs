using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AuthApp.Data.Migrations
{
    /// <inheritdoc />
    public partial class SessionHoldsRotation : Migration
    {
        /// <summary>
        /// Rotation state moves from one refresh_tokens row per token onto the session's row: each session keeps its
        /// unspent token as current and its newest spent one as previous, in one pass over sessions (each looked up
        /// by the session_id index). A session with no unspent token left (its rows were cleaned up a day after they
        /// expired, or its last refresh was spent without a successor) gets a random current jti that has already
        /// expired: no token it ever issued can be refreshed, as before.
        /// </summary>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "sessions")
                .Annotation("Npgsql:StorageParameter:fillfactor", 80);

            migrationBuilder.Sql("""
                ALTER TABLE sessions
                    ADD COLUMN refresh_jti uuid,
                    ADD COLUMN refresh_issued_at timestamp with time zone,
                    ADD COLUMN refresh_expires_at timestamp with time zone,
                    ADD COLUMN previous_refresh_jti uuid,
                    ADD COLUMN previous_refresh_spent_at timestamp with time zone;

                UPDATE sessions AS s
                SET (refresh_jti, refresh_issued_at, refresh_expires_at, previous_refresh_jti, previous_refresh_spent_at) = (
                    SELECT COALESCE(cur.jti, gen_random_uuid()), COALESCE(cur.issued_at, s.created_at),
                           COALESCE(cur.expires_at, s.created_at), prev.jti, prev.spent_at
                    FROM (SELECT) AS one
                    LEFT JOIN LATERAL (
                        SELECT jti, issued_at, expires_at FROM refresh_tokens
                        WHERE session_id = s.id AND spent_at IS NULL ORDER BY issued_at DESC LIMIT 1) AS cur ON true
                    LEFT JOIN LATERAL (
                        SELECT jti, spent_at FROM refresh_tokens
                        WHERE session_id = s.id AND spent_at IS NOT NULL ORDER BY spent_at DESC LIMIT 1) AS prev ON true);

                ALTER TABLE sessions
                    ALTER COLUMN refresh_jti SET NOT NULL,
                    ALTER COLUMN refresh_issued_at SET NOT NULL,
                    ALTER COLUMN refresh_expires_at SET NOT NULL;
                """);

            migrationBuilder.DropTable(
                name: "refresh_tokens");
        }

        /// <summary>
        /// Back to one row per token, as far as the session rows tell: the current token unspent, the previous one
        /// spent (issued and spent at its spent time, expiring with the current one). Older spent tokens are gone; a
        /// replay of one then gets 401 revoked instead of ending the session.
        /// </summary>
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "sessions")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 80);

            migrationBuilder.CreateTable(
                name: "refresh_tokens",
                columns: table => new
                {
                    jti = table.Column<Guid>(type: "uuid", nullable: false),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    issued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    spent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_refresh_tokens", x => x.jti);
                    table.ForeignKey(
                        name: "fk_refresh_tokens_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_refresh_tokens_expires_at",
                table: "refresh_tokens",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_refresh_tokens_session_id",
                table: "refresh_tokens",
                column: "session_id");

            migrationBuilder.Sql("""
                INSERT INTO refresh_tokens (jti, session_id, issued_at, expires_at, spent_at)
                SELECT refresh_jti, id, refresh_issued_at, refresh_expires_at, NULL FROM sessions;
                INSERT INTO refresh_tokens (jti, session_id, issued_at, expires_at, spent_at)
                SELECT previous_refresh_jti, id, previous_refresh_spent_at, refresh_expires_at, previous_refresh_spent_at
                FROM sessions WHERE previous_refresh_jti IS NOT NULL;
                """);

            migrationBuilder.DropColumn(
                name: "previous_refresh_jti",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "previous_refresh_spent_at",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "refresh_expires_at",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "refresh_issued_at",
                table: "sessions");

            migrationBuilder.DropColumn(
                name: "refresh_jti",
                table: "sessions");
        }
    }
}
