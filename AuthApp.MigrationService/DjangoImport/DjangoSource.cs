using System.Runtime.CompilerServices;
using Npgsql;

namespace AuthApp.MigrationService.DjangoImport;

/// <summary>
/// The original's database, read in one read-only, repeatable-read transaction: the import sees one consistent
/// snapshot and cannot change a thing. Before anything is read, the table is checked to be Django's users table.
/// </summary>
public sealed class DjangoSource : IAsyncDisposable
{
    private static readonly string[] TextTypes = ["character varying", "text", "character"];
    private static readonly string[] TimeTypes = ["timestamp with time zone", "timestamp without time zone"];

    private static readonly (string Column, string[] Types)[] RequiredColumns =
    [
        ("id", ["uuid"]),
        ("username", TextTypes),
        ("email", TextTypes),
        ("password", TextTypes),
        ("is_active", ["boolean"]),
        ("is_staff", ["boolean"]),
        ("is_superuser", ["boolean"]),
        ("date_joined", TimeTypes),
        ("last_login", TimeTypes),
    ];

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _snapshot;
    private readonly string _table;
    private readonly string _dateJoined;
    private readonly string _lastLogin;

    private DjangoSource(NpgsqlConnection connection, NpgsqlTransaction snapshot, string description, string table, Dictionary<string, string> types)
    {
        _connection = connection;
        _snapshot = snapshot;
        Description = description;
        _table = table;
        // Django with USE_TZ = False stores local times without a zone; they are taken as UTC.
        _dateJoined = AsUtc("date_joined", types["date_joined"]);
        _lastLogin = AsUtc("last_login", types["last_login"]);
    }

    /// <summary>Host, port, database and table: what the report and the logs may say about the source (never the password).</summary>
    public string Description { get; }

    public static async Task<DjangoSource> OpenAsync(DjangoImportOptions options, CancellationToken ct)
    {
        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(options.ConnectionString) { ApplicationName = "authapp-django-import" };
        }
        catch (ArgumentException ex)
        {
            throw new DjangoImportException($"Import:Django:ConnectionString is not a valid PostgreSQL connection string ({ex.Message}).");
        }
        var table = $"{options.Schema}.{options.Table}";
        var description = $"{settings.Host}:{settings.Port}/{settings.Database}";

        var connection = new NpgsqlConnection(settings.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            await connection.DisposeAsync();
            throw new DjangoImportException($"Cannot reach the Django database {settings.Host}:{settings.Port}/{settings.Database}: {ex.GetBaseException().Message}", ex);
        }

        var snapshot = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, snapshot))
        {
            await readOnly.ExecuteNonQueryAsync(ct);
        }
        try
        {
            var types = await CheckTableAsync(connection, snapshot, options, description, ct);
            return new DjangoSource(connection, snapshot, $"{description}, table {table}", $"\"{options.Schema}\".\"{options.Table}\"", types);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {_table}", _connection, _snapshot);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Groups of rows whose <paramref name="column"/> (email or username) is equal once lower-cased: Django allowed them, AuthApp keeps one.</summary>
    public async Task<List<List<TwinCandidate>>> CaseTwinsAsync(string column, CancellationToken ct)
    {
        var sql = $"""
            SELECT id, username, lower({column}), {_dateJoined}, {_lastLogin} FROM {_table}
            WHERE lower({column}) IN (SELECT lower({column}) FROM {_table} GROUP BY 1 HAVING count(*) > 1)
            """;
        var groups = new Dictionary<string, List<TwinCandidate>>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(sql, _connection, _snapshot);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var key = reader.GetString(2);
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = [];
            }
            group.Add(new TwinCandidate(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
        }
        return [.. groups.Values];
    }

    /// <summary>Every row, in batches; the table is scanned once, in no particular order.</summary>
    public async IAsyncEnumerable<List<DjangoUserRow>> ReadAsync(int batchSize, [EnumeratorCancellation] CancellationToken ct)
    {
        var sql = $"""
            SELECT id, username, email, password, is_active, is_staff, is_superuser, {_dateJoined}, {_lastLogin} FROM {_table}
            """;
        await using var command = new NpgsqlCommand(sql, _connection, _snapshot);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        var batch = new List<DjangoUserRow>(batchSize);
        while (await reader.ReadAsync(ct))
        {
            batch.Add(new DjangoUserRow(
                reader.GetGuid(0),
                reader.IsDBNull(1) ? "" : reader.GetString(1),
                reader.IsDBNull(2) ? "" : reader.GetString(2),
                reader.IsDBNull(3) ? "" : reader.GetString(3),
                !reader.IsDBNull(4) && reader.GetBoolean(4),
                !reader.IsDBNull(5) && reader.GetBoolean(5),
                !reader.IsDBNull(6) && reader.GetBoolean(6),
                reader.IsDBNull(7) ? DateTimeOffset.UnixEpoch : reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8)));
            if (batch.Count == batchSize)
            {
                yield return batch;
                batch = new List<DjangoUserRow>(batchSize);
            }
        }
        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Nothing was written; ending the read-only transaction either way is the same.
        await _snapshot.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private static async Task<Dictionary<string, string>> CheckTableAsync(
        NpgsqlConnection connection, NpgsqlTransaction snapshot, DjangoImportOptions options, string description, CancellationToken ct)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = @schema AND table_name = @table", connection, snapshot))
        {
            command.Parameters.AddWithValue("schema", options.Schema);
            command.Parameters.AddWithValue("table", options.Table);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                types[reader.GetString(0)] = reader.GetString(1);
            }
        }
        var table = $"{options.Schema}.{options.Table}";
        if (types.Count == 0)
        {
            throw new DjangoImportException(
                $"The Django database {description} has no table {table}: point Import:Django:ConnectionString at the original service's database (or set Import:Django:Schema and Import:Django:Table).");
        }
        var problems = new List<string>();
        foreach (var (column, expected) in RequiredColumns)
        {
            if (!types.TryGetValue(column, out var actual))
            {
                problems.Add($"no column {column}");
            }
            else if (!expected.Contains(actual))
            {
                problems.Add($"{column} is {actual}, not {string.Join(" or ", expected)}");
            }
        }
        if (problems.Count > 0)
        {
            throw new DjangoImportException(
                $"{table} in {description} is not the original Django service's users table ({string.Join("; ", problems)}). Nothing was imported.");
        }
        return types;
    }

    private static string AsUtc(string column, string type) =>
        type == "timestamp without time zone" ? $"({column} AT TIME ZONE 'UTC')" : column;
}
