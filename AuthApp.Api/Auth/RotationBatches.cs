using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using AuthApp.Api.Common;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AuthApp.Api.Auth;

/// <summary>One refresh's rotation: the presented token's identifiers and what the session moves on to.</summary>
public sealed record Rotation(Tokens.TokenIdentifiers Claims, Guid NewJti, DateTimeOffset Now, DateTimeOffset RefreshExpiresAt);

/// <summary>What the session's row said when the rotation matched it.</summary>
public sealed record Rotated(DateTimeOffset SessionExpiresAt, string Username, bool IsStaff);

/// <summary>
/// Group commit for refresh rotations. Each rotation is one statement (see <see cref="RotateSql"/>); the rotations that
/// arrive while a batch is at PostgreSQL wait, then go together as the next batch: one round trip and one transaction,
/// so one durable commit (one WAL flush) for all of them. Nobody waits for a timer: a lone refresh goes at once; under
/// load, the batch is whatever arrived during the last one. Each caller gets its answer only after the commit.
///
/// Why: with eight clients refreshing, the API and PostgreSQL sat a third idle waiting for commits; the same load with
/// commits that do not wait for the disk (synchronous_commit=off, which AuthApp does not use) ran ~35% faster
/// (docs/performance.md). A batch keeps every commit durable and pays for one flush per batch.
///
/// Same answers as one statement per refresh: a batch is one transaction, whose statements see each other's updates,
/// so of two rotations presenting one token the first moves the session on and the second matches nothing, as when
/// they queue on the row's lock. Statements run in session order, so that two batches (on two replicas) take their
/// row locks in the same order and cannot deadlock each other; a batch that still meets a deadlock is run again.
///
/// Bounded like a lone statement: the batch commits (an explicit COMMIT) only after every answer was read, so a batch
/// cut off by the command timeout commits nothing and its callers' 503 means "not rotated". A rotation that waited
/// longer than the command timeout for its turn, or finds too many waiting, is answered 503 without running; one whose
/// client went away is dropped.
/// </summary>
public sealed class RotationBatches : BackgroundService
{
    /// <summary>The most rotations in one batch (a batch of 32 statements takes a millisecond or two).</summary>
    public const int MaximumBatch = 32;

    /// <summary>More waiting than this many batches' worth means PostgreSQL is not keeping up: answer 503 at once.</summary>
    public const int MaximumWaiting = 32 * MaximumBatch;

    private const int Attempts = 3;

    /// <summary>
    /// The success path is one statement per rotation: if the presented token is its session's current one, the session
    /// live, its user active and the stamps in agreement, the session moves on to the next token (an in-place update of
    /// the session's row). Positional parameters ($1…$6): Npgsql sends the text as it is, without rewriting it.
    /// </summary>
    public const string RotateSql = """
        UPDATE sessions AS s
        SET previous_refresh_jti = s.refresh_jti, previous_refresh_spent_at = $1,
            refresh_jti = $5, refresh_issued_at = $1, refresh_expires_at = LEAST($6, s.expires_at), last_used_at = $1
        FROM users AS u
        WHERE s.id = $3 AND s.refresh_jti = $2 AND s.revoked_at IS NULL AND s.expires_at > $1
          AND u.id = s.user_id AND u.id = $4 AND u.is_active AND u.security_stamp = s.security_stamp
        RETURNING s.expires_at, u.username, u.is_staff
        """;

    // Not SingleReader: that channel cannot count what waits (the gauge below), and there is one reader anyway.
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>();
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeSpan _longestWait = DataStores.ApiDatabase.CommandTimeout;
    private readonly ILogger<RotationBatches> _logger;
    private readonly Histogram<int> _batchSizes;

    public RotationBatches(IServiceScopeFactory scopes, IMeterFactory meters, ILogger<RotationBatches> logger)
    {
        _scopes = scopes;
        _logger = logger;
        var meter = meters.Create(ApiTelemetry.Name);
        _batchSizes = meter.CreateHistogram<int>("authapp.refresh.batch_size", unit: "{rotation}",
            description: "Refresh rotations committed together in one transaction.");
        meter.CreateObservableGauge("authapp.refresh.rotations_waiting", () => _pending.Reader.Count, unit: "{rotation}",
            description: "Refresh rotations waiting for the batch at PostgreSQL to finish.");
    }

    /// <summary>
    /// Null when the rotation matched nothing (the caller finds out why). Throws what PostgreSQL threw (wrapped for each
    /// caller), or a <see cref="TimeoutException"/> when the rotation could not have its turn in time; both are 503s.
    /// </summary>
    public Task<Rotated?> RotateAsync(Rotation rotation, CancellationToken ct)
    {
        if (_pending.Reader.Count >= MaximumWaiting)
        {
            throw new TimeoutException($"More than {MaximumWaiting} refresh rotations are waiting for PostgreSQL.");
        }
        var pending = new Pending(rotation, ct, Stopwatch.GetTimestamp(),
            new TaskCompletionSource<Rotated?>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_pending.Writer.TryWrite(pending))
        {
            throw new TimeoutException("The API is stopping; refresh rotations are no longer taken.");
        }
        return pending.Answer.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaximumBatch);
        // Until the host stops; then whatever was queued still runs (the channel is completed in StopAsync).
        while (await _pending.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaximumBatch && _pending.Reader.TryRead(out var next))
            {
                if (StillWanted(next))
                {
                    batch.Add(next);
                }
            }
            if (batch.Count > 0)
            {
                await RunAsync(batch);
                batch.Clear();
            }
        }
    }

    /// <summary>False (and the caller answered) when its client went away or it waited too long to run now.</summary>
    private bool StillWanted(Pending pending)
    {
        if (pending.Cancellation.IsCancellationRequested)
        {
            pending.Answer.TrySetCanceled(pending.Cancellation);
            return false;
        }
        if (Stopwatch.GetElapsedTime(pending.Enqueued) > _longestWait)
        {
            pending.Answer.TrySetException(new TimeoutException(
                $"The refresh rotation waited longer than {_longestWait.TotalSeconds:0.#} s for PostgreSQL; it was not made."));
            return false;
        }
        return true;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _pending.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task RunAsync(List<Pending> batch)
    {
        batch.Sort((a, b) => a.Rotation.Claims.SessionId.CompareTo(b.Rotation.Claims.SessionId));
        _batchSizes.Record(batch.Count);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var answers = await CommitAsync(batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Answer.TrySetResult(answers[i]);
                }
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < Attempts)
            {
                _logger.LogWarning("A batch of {Count} refresh rotations met a deadlock; running it again", batch.Count);
            }
            catch (Exception ex)
            {
                // Each caller throws its own exception (one instance thrown on many threads would mix their traces);
                // the exception handler reads the cause inside it (an outage or a conflict PostgreSQL rolled back: 503).
                foreach (var pending in batch)
                {
                    pending.Answer.TrySetException(new RotationBatchException(batch.Count, ex));
                }
                return;
            }
        }
    }

    /// <summary>
    /// One round trip for the statements (after BEGIN, in order), one for COMMIT once every answer is read: a batch that
    /// fails or runs out of time part-way commits nothing.
    /// </summary>
    private async Task<Rotated?[]> CommitAsync(List<Pending> batch)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using var command = new NpgsqlBatch(connection, transaction);
            foreach (var pending in batch)
            {
                command.BatchCommands.Add(Statement(pending.Rotation));
            }
            var answers = new Rotated?[batch.Count];
            await using (var reader = await command.ExecuteReaderAsync())
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    if (await reader.ReadAsync())
                    {
                        answers[i] = new Rotated(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetBoolean(2));
                    }
                    await reader.NextResultAsync();
                }
            }
            await transaction.CommitAsync();
            return answers;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static NpgsqlBatchCommand Statement(Rotation rotation) => new(RotateSql)
    {
        Parameters =
        {
            new NpgsqlParameter<DateTimeOffset> { TypedValue = rotation.Now },
            new NpgsqlParameter<Guid> { TypedValue = rotation.Claims.Jti },
            new NpgsqlParameter<Guid> { TypedValue = rotation.Claims.SessionId },
            new NpgsqlParameter<Guid> { TypedValue = rotation.Claims.UserId },
            new NpgsqlParameter<Guid> { TypedValue = rotation.NewJti },
            new NpgsqlParameter<DateTimeOffset> { TypedValue = rotation.RefreshExpiresAt },
        },
    };

    private sealed record Pending(Rotation Rotation, CancellationToken Cancellation, long Enqueued, TaskCompletionSource<Rotated?> Answer);
}

/// <summary>A batch of refresh rotations failed; <see cref="Exception.InnerException"/> says why. Nothing of it was committed.</summary>
public sealed class RotationBatchException(int batchSize, Exception cause)
    : Exception($"A batch of {batchSize} refresh rotations failed: {cause.Message}", cause);
