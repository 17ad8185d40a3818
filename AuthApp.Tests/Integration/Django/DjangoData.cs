using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;

namespace AuthApp.Tests.Integration.Django;

/// <summary>One named user of <c>Fixtures/Django/django-users.json</c>.</summary>
public sealed record DjangoUser(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("password")] string? Password,
    [property: JsonPropertyName("hasher")] string Hasher,
    [property: JsonPropertyName("stored_prefix")] string StoredPrefix,
    [property: JsonPropertyName("is_active")] bool IsActive,
    [property: JsonPropertyName("is_staff")] bool IsStaff,
    [property: JsonPropertyName("is_superuser")] bool IsSuperuser);

public sealed record DjangoUsersFile(
    [property: JsonPropertyName("pepper")] string Pepper,
    [property: JsonPropertyName("users")] IReadOnlyList<DjangoUser> Users);

/// <summary>
/// The original service's users table as its own code wrote it (Fixtures/Django, as the hasher tests read it): the
/// dump, and the named users with their plaintext passwords and the pepper.
/// </summary>
public static class DjangoData
{
    public const int DumpRows = 20_017;

    public static DjangoUsersFile Users { get; } =
        JsonSerializer.Deserialize<DjangoUsersFile>(File.ReadAllText(Find("django-users.json")))!;

    public static DjangoUser Named(string hasher) => Users.Users.Single(u => u.Hasher == hasher);

    /// <summary>The dump's SQL: the table, its rows, then its constraints.</summary>
    public static string DumpSql()
    {
        using var gzip = new GZipStream(File.OpenRead(Find("django-users.sql.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return reader.ReadToEnd();
    }

    /// <summary>The dump's CREATE TABLE alone: the original's empty users table.</summary>
    public static string CreateTableSql()
    {
        var sql = DumpSql();
        var start = sql.IndexOf("CREATE TABLE", StringComparison.Ordinal);
        return sql[start..(sql.IndexOf(");", start, StringComparison.Ordinal) + 2)];
    }

    /// <summary>Creates <paramref name="database"/> on the server (dropping an older one) and runs <paramref name="sql"/> in it.</summary>
    public static async Task<string> CreateDatabaseAsync(string serverConnectionString, string database, string sql, CancellationToken ct = default)
    {
        var server = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = "postgres", Pooling = false };
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync(ct);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync(ct);
        }
        var target = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = database, Pooling = false }.ConnectionString;
        if (sql.Length > 0)
        {
            await using var connection = new NpgsqlConnection(target);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
            await command.ExecuteNonQueryAsync(ct);
        }
        return target;
    }

    private static string Find(string file) => Path.Combine(Unit.DjangoHashers.DjangoFixture.Directory, file);
}
