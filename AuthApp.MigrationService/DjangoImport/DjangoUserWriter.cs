using AuthApp.Data;
using Npgsql;
using NpgsqlTypes;

namespace AuthApp.MigrationService.DjangoImport;

/// <summary>A row on its way in, with the normalised forms AuthApp's unique indexes compare.</summary>
public sealed record StagedRow(DjangoUserRow Row, RowDecision Decision)
{
    public string NormalizedUsername { get; } = UserNormalization.Username(Row.Username);
    public string NormalizedEmail { get; } = UserNormalization.Email(Row.Email);
}

/// <summary>What one batch did: rows found in the ledger, rows written, and why the others were not.</summary>
public sealed record BatchResult(int AlreadyImported, IReadOnlyList<StagedRow> Written, IReadOnlyList<(StagedRow Row, RowOutcome Outcome, string Reason)> Refused);

/// <summary>
/// Writes batches into AuthApp's users table: a binary COPY into a session-local staging table, then one
/// <c>INSERT … SELECT … ON CONFLICT DO NOTHING</c> that also records each new account in the <c>imported_users</c> ledger.
/// Each batch is one transaction (a dry run is one transaction for the whole run, rolled back): a stopped import
/// leaves whole batches, and the next run finds them in the ledger and goes on with the rest. Existing accounts are
/// never updated; a row that meets one (same id, e-mail or username) is explained, not written.
/// </summary>
public sealed class DjangoUserWriter : IAsyncDisposable
{
    // pg_advisory_lock key: one import at a time per target database.
    private const long ImportLock = 0x41757468_446A6E67; // "AuthDjng"

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction? _dryRun;

    private DjangoUserWriter(NpgsqlConnection connection, NpgsqlTransaction? dryRun)
    {
        _connection = connection;
        _dryRun = dryRun;
    }

    public static async Task<DjangoUserWriter> OpenAsync(string connectionString, bool dryRun, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString)
        {
            ApplicationName = "authapp-django-import",
            // The merge of a large batch into five indexes can take longer than Npgsql's default 30 s on a slow disk.
            CommandTimeout = 600,
        }.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            await ExecuteAsync(connection, null, "SELECT 1 FROM imported_users LIMIT 1", ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            await connection.DisposeAsync();
            throw new DjangoImportException("The AuthApp database is not migrated (no imported_users table): run the migration worker first (./run.sh or dotnet run --project AuthApp.MigrationService).");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            await connection.DisposeAsync();
            throw new DjangoImportException($"Cannot reach the AuthApp database: {ex.GetBaseException().Message}", ex);
        }

        await using (var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({ImportLock})", connection))
        {
            if (await command.ExecuteScalarAsync(ct) is not true)
            {
                await connection.DisposeAsync();
                throw new DjangoImportException("Another Django import is running against this AuthApp database; wait for it to end.");
            }
        }
        await ExecuteAsync(connection, null, """
            CREATE TEMP TABLE IF NOT EXISTS django_import_staging (
                id uuid NOT NULL, username text NOT NULL, normalized_username text NOT NULL,
                email text NOT NULL, normalized_email text NOT NULL, password text NOT NULL,
                is_active boolean NOT NULL, is_staff boolean NOT NULL, is_superuser boolean NOT NULL,
                date_joined timestamptz NOT NULL, last_login timestamptz)
            """, ct);
        var dryRunTransaction = dryRun ? await connection.BeginTransactionAsync(ct) : null;
        return new DjangoUserWriter(connection, dryRunTransaction);
    }

    public async Task<BatchResult> WriteAsync(IReadOnlyList<StagedRow> rows, DateTimeOffset now, CancellationToken ct)
    {
        var transaction = _dryRun ?? await _connection.BeginTransactionAsync(ct);
        try
        {
            var result = await WriteAsync(rows, now, transaction, ct);
            if (_dryRun is null)
            {
                await transaction.CommitAsync(ct);
            }
            return result;
        }
        finally
        {
            if (_dryRun is null)
            {
                await transaction.DisposeAsync();
            }
        }
    }

    private async Task<BatchResult> WriteAsync(IReadOnlyList<StagedRow> rows, DateTimeOffset now, NpgsqlTransaction transaction, CancellationToken ct)
    {
        // Rows an earlier run imported (the ledger knows them) are left as they are now: a re-run changes nothing.
        var alreadyImported = new HashSet<Guid>();
        await using (var ledger = new NpgsqlCommand("SELECT user_id FROM imported_users WHERE user_id = ANY(@ids)", _connection, transaction))
        {
            ledger.Parameters.AddWithValue("ids", rows.Select(r => r.Row.Id).ToArray());
            await using var reader = await ledger.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                alreadyImported.Add(reader.GetGuid(0));
            }
        }
        var staged = rows.Where(r => !alreadyImported.Contains(r.Row.Id)).ToList();
        if (staged.Count == 0)
        {
            return new BatchResult(alreadyImported.Count, [], []);
        }

        await ExecuteAsync(_connection, transaction, "TRUNCATE django_import_staging", ct);
        await CopyAsync(staged, ct);

        var inserted = new HashSet<Guid>();
        await using (var merge = new NpgsqlCommand("""
            WITH inserted AS (
                INSERT INTO users (id, username, normalized_username, email, normalized_email, password_hash,
                                   is_active, is_staff, is_superuser, date_joined, last_login, updated_at)
                SELECT id, username, normalized_username, email, normalized_email, password,
                       is_active, is_staff, is_superuser, date_joined, last_login, @now
                FROM django_import_staging
                ON CONFLICT DO NOTHING
                RETURNING id),
            recorded AS (
                INSERT INTO imported_users (user_id, source, imported_at) SELECT id, @source, @now FROM inserted)
            SELECT id FROM inserted
            """, _connection, transaction))
        {
            merge.Parameters.AddWithValue("now", now.ToUniversalTime());
            merge.Parameters.AddWithValue("source", ImportedUser.DjangoSource);
            await using var reader = await merge.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                inserted.Add(reader.GetGuid(0));
            }
        }

        var written = staged.Where(r => inserted.Contains(r.Row.Id)).ToList();
        var refused = staged.Count == written.Count ? [] : await ExplainAsync(staged.Where(r => !inserted.Contains(r.Row.Id)).ToList(), transaction, ct);
        return new BatchResult(alreadyImported.Count, written, refused);
    }

    private async Task CopyAsync(IReadOnlyList<StagedRow> rows, CancellationToken ct)
    {
        await using var copy = await _connection.BeginBinaryImportAsync("""
            COPY django_import_staging (id, username, normalized_username, email, normalized_email, password,
                                        is_active, is_staff, is_superuser, date_joined, last_login) FROM STDIN (FORMAT BINARY)
            """, ct);
        foreach (var staged in rows)
        {
            var row = staged.Row;
            await copy.StartRowAsync(ct);
            copy.Write(row.Id, NpgsqlDbType.Uuid);
            copy.Write(row.Username, NpgsqlDbType.Text);
            copy.Write(staged.NormalizedUsername, NpgsqlDbType.Text);
            copy.Write(row.Email, NpgsqlDbType.Text);
            copy.Write(staged.NormalizedEmail, NpgsqlDbType.Text);
            copy.Write(row.Password, NpgsqlDbType.Text);
            copy.Write(row.IsActive, NpgsqlDbType.Boolean);
            copy.Write(row.IsStaff, NpgsqlDbType.Boolean);
            copy.Write(row.IsSuperuser, NpgsqlDbType.Boolean);
            copy.Write(row.DateJoined.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            if (row.LastLogin is { } lastLogin)
            {
                copy.Write(lastLogin.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            }
            else
            {
                copy.WriteNull();
            }
        }
        await copy.CompleteAsync(ct);
    }

    /// <summary>Why rows were not inserted: the account each one met, and whether an import made that account.</summary>
    private async Task<List<(StagedRow, RowOutcome, string)>> ExplainAsync(List<StagedRow> rows, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var byId = rows.ToDictionary(r => r.Row.Id);
        var explained = new List<(StagedRow, RowOutcome, string)>();
        await using var command = new NpgsqlCommand("""
            SELECT s.id, same_id.id, same_email.id, same_email_imported.user_id IS NOT NULL,
                   same_username.id, same_username_imported.user_id IS NOT NULL
            FROM django_import_staging s
            LEFT JOIN users same_id ON same_id.id = s.id
            LEFT JOIN users same_email ON same_email.normalized_email = s.normalized_email AND same_email.id <> s.id
            LEFT JOIN imported_users same_email_imported ON same_email_imported.user_id = same_email.id
            LEFT JOIN users same_username ON same_username.normalized_username = s.normalized_username AND same_username.id <> s.id
            LEFT JOIN imported_users same_username_imported ON same_username_imported.user_id = same_username.id
            WHERE s.id = ANY(@ids)
            """, _connection, transaction);
        command.Parameters.AddWithValue("ids", byId.Keys.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var row = byId[reader.GetGuid(0)];
            explained.Add(
                !reader.IsDBNull(1) ? (row, RowOutcome.SkippedIdTaken, "an account made in AuthApp has this id; it was left as it is")
                : !reader.IsDBNull(2) ? (row, RowOutcome.SkippedEmailTaken, reader.GetBoolean(3)
                    ? $"e-mail equals that of imported account {reader.GetGuid(2)} once case and Unicode forms are ignored"
                    : $"AuthApp account {reader.GetGuid(2)} already has this e-mail; it was left as it is")
                : !reader.IsDBNull(4) ? (row, RowOutcome.SkippedUsernameTaken, reader.GetBoolean(5)
                    ? $"username equals that of imported account {reader.GetGuid(4)} once case and Unicode forms are ignored"
                    : $"AuthApp account {reader.GetGuid(4)} already has this username; it was left as it is")
                : (row, RowOutcome.SkippedInvalid, "not written: it met another row written at the same moment; run the import again"));
        }
        return explained;
    }

    public async ValueTask DisposeAsync()
    {
        if (_dryRun is not null)
        {
            await _dryRun.RollbackAsync();
            await _dryRun.DisposeAsync();
        }
        await _connection.DisposeAsync(); // ends the session: its advisory lock and staging table go with it
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }
}
