using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// The migration that moved rotation state from one refresh_tokens row per token onto the session's row, on a
/// database of its own: every session keeps its unspent token (so clients' refresh tokens keep working) and its
/// newest spent one (so a replay is still reuse), and going back restores both as rows.
/// </summary>
[Collection(InProcessCollection.Name)]
public sealed class RotationMigrationTests(ServersFixture servers)
{
    private const string BeforeRotationOnSessions = "20261126085034_AddAuditTrail";

    [Fact]
    public async Task Each_sessions_unspent_and_last_spent_tokens_move_onto_the_session_and_back()
    {
        var name = "rotation_migration_" + Guid.NewGuid().ToString("N")[..12];
        var server = new NpgsqlConnectionStringBuilder(servers.DatabaseConnectionString);
        var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name, Pooling = false }.ConnectionString;
        await ExecuteAsync(server.ConnectionString, $"CREATE DATABASE {name}");
        try
        {
            await using var db = new AuthDbContext(new DbContextOptionsBuilder<AuthDbContext>()
                .UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options);
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync(BeforeRotationOnSessions);
            await ExecuteAsync(connectionString, """
                INSERT INTO users (id, username, normalized_username, email, normalized_email, password_hash, is_active, is_staff, is_superuser, date_joined, updated_at)
                VALUES ('11111111-1111-1111-1111-111111111111', 'ada', 'ada', 'ada@example.com', 'ada@example.com', 'x', true, false, false, now(), now());
                INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES
                    ('a0000000-0000-0000-0000-000000000001', '11111111-1111-1111-1111-111111111111', '2026-11-01Z', '2026-12-01Z'),
                    ('a0000000-0000-0000-0000-000000000002', '11111111-1111-1111-1111-111111111111', '2026-11-02Z', '2026-12-02Z'),
                    ('a0000000-0000-0000-0000-000000000003', '11111111-1111-1111-1111-111111111111', '2026-11-03Z', '2026-12-03Z');
                INSERT INTO refresh_tokens (jti, session_id, issued_at, expires_at, spent_at) VALUES
                    ('b0000000-0000-0000-0000-000000000001', 'a0000000-0000-0000-0000-000000000001', '2026-11-01Z', '2026-11-08Z', '2026-11-03Z'),
                    ('b0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-000000000001', '2026-11-03Z', '2026-11-10Z', '2026-11-05Z'),
                    ('b0000000-0000-0000-0000-000000000003', 'a0000000-0000-0000-0000-000000000001', '2026-11-05Z', '2026-11-12Z', NULL),
                    ('b0000000-0000-0000-0000-000000000004', 'a0000000-0000-0000-0000-000000000002', '2026-11-02Z', '2026-11-09Z', '2026-11-04Z');
                """);

            await migrator.MigrateAsync();

            var sessions = await db.Sessions.AsNoTracking().OrderBy(s => s.CreatedAt).ToListAsync();
            Assert.Equal(3, sessions.Count);
            var (chain, spentOut, cleanedUp) = (sessions[0], sessions[1], sessions[2]);
            Assert.Equal(Guid.Parse("b0000000-0000-0000-0000-000000000003"), chain.RefreshJti);
            Assert.Equal(DateTimeOffset.Parse("2026-11-05Z"), chain.RefreshIssuedAt);
            Assert.Equal(DateTimeOffset.Parse("2026-11-12Z"), chain.RefreshExpiresAt);
            Assert.Equal(Guid.Parse("b0000000-0000-0000-0000-000000000002"), chain.PreviousRefreshJti);
            Assert.Equal(DateTimeOffset.Parse("2026-11-05Z"), chain.PreviousRefreshSpentAt);
            // No unspent token: none of its jtis is current, and its current one has already expired.
            Assert.NotEqual(Guid.Parse("b0000000-0000-0000-0000-000000000004"), spentOut.RefreshJti);
            Assert.Equal(spentOut.CreatedAt, spentOut.RefreshExpiresAt);
            Assert.Equal(Guid.Parse("b0000000-0000-0000-0000-000000000004"), spentOut.PreviousRefreshJti);
            // Its rows already cleaned up (a day after its last token expired): nothing can be refreshed.
            Assert.Equal(cleanedUp.CreatedAt, cleanedUp.RefreshExpiresAt);
            Assert.Null(cleanedUp.PreviousRefreshJti);

            await migrator.MigrateAsync(BeforeRotationOnSessions);

            var back = await QueryAsync(connectionString,
                "SELECT jti::text || ' ' || (spent_at IS NULL)::text FROM refresh_tokens WHERE session_id = 'a0000000-0000-0000-0000-000000000001' ORDER BY jti");
            Assert.Equal(["b0000000-0000-0000-0000-000000000002 false", "b0000000-0000-0000-0000-000000000003 true"], back);
        }
        finally
        {
            await ExecuteAsync(server.ConnectionString, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }
}
