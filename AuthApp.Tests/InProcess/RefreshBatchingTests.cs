using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// Refresh rotations that arrive while a batch is at PostgreSQL are committed together as the next batch, with the
/// answers one statement per refresh would give. The first batch is held on a session row this test locks, so the
/// others are known to be waiting (the API's gauge says how many) before it goes on. The hold must end within the API's
/// 2 s command timeout: it takes a few hundred milliseconds (a poll, five requests, a poll).
/// </summary>
[Collection(InProcessCollection.Name)]
public sealed class RefreshBatchingTests(ServersFixture servers, ITestOutputHelper output) : InProcessTest(servers, output)
{
    private readonly string _database = servers.DatabaseConnectionString;

    [Fact]
    public async Task Refreshes_that_wait_for_a_batch_commit_together_as_the_next_one()
    {
        var holder = await Api.RegisterAndLoginAsync();
        var users = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Api.RegisterAndLoginAsync()));
        using var metrics = new BatchMetrics(App.Services);

        var (held, later) = await WhileHeldAsync(holder, users.Select(user => user.RefreshToken).ToArray(), metrics);

        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        Assert.All(later, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal([1, 5], metrics.BatchSizes);
        // Each user got their own session's next token, and it works.
        for (var i = 0; i < users.Length; i++)
        {
            var next = (await later[i].ReadJsonAsync()).GetProperty("refresh_token").GetString();
            Assert.Equal(Sid(users[i].RefreshToken), Sid(next!));
            using var again = await Api.RefreshAsync(next);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
    }

    [Fact]
    public async Task One_token_twice_in_a_batch_rotates_once_and_the_second_is_reuse()
    {
        var holder = await Api.RegisterAndLoginAsync();
        var user = await Api.RegisterAndLoginAsync();
        using var metrics = new BatchMetrics(App.Services);

        var (_, later) = await WhileHeldAsync(holder, [user.RefreshToken, user.RefreshToken], metrics);

        Assert.Equal([1, 2], metrics.BatchSizes);
        var ok = Assert.Single(later, response => response.StatusCode == HttpStatusCode.OK);
        var reused = Assert.Single(later, response => response.StatusCode != HttpStatusCode.OK);
        await reused.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_reused");
        // Reuse ends the session, the pair just issued included.
        var issued = await ok.ReadJsonAsync();
        await Api.AssertSessionRevokedAsync(issued.GetProperty("access_token").GetString()!, issued.GetProperty("refresh_token").GetString()!);
    }

    /// <summary>
    /// Refreshes <paramref name="holder"/> while its session row is locked here, so that its batch waits at PostgreSQL;
    /// sends the other refreshes once it waits, and lets it go once the API counts them all waiting.
    /// </summary>
    private async Task<(HttpResponseMessage Held, HttpResponseMessage[] Later)> WhileHeldAsync(TestUser holder, string[] tokens, BatchMetrics metrics)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            lockRow.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Sid(holder.RefreshToken) });
            Assert.Equal(1, await lockRow.ExecuteScalarAsync());
        }

        var held = Api.RefreshAsync(holder.RefreshToken);
        await WaitUntilAsync(BlockedRotationsAsync, 1);
        var later = tokens.Select(token => Api.RefreshAsync(token)).ToArray();
        await WaitUntilAsync(() => Task.FromResult(metrics.Waiting()), tokens.Length);
        await transaction.RollbackAsync();

        return (await held, await Task.WhenAll(later));
    }

    /// <summary>Rotations waiting on a row lock (read on a connection of its own: a transaction sees one snapshot of the view).</summary>
    private async Task<long> BlockedRotationsAsync()
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var blocked = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            + " AND query LIKE 'UPDATE sessions AS s%'", connection);
        return (long)(await blocked.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilAsync(Func<Task<long>> count, long expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (await count() < expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"still fewer than {expected} after 15 s");
            await Task.Delay(20);
        }
    }

    private static Guid Sid(string token) => Guid.Parse(new JsonWebToken(token).GetClaim("sid").Value);

    /// <summary>The batch sizes and the waiting gauge of this test's API (other APIs in the process have their own).</summary>
    private sealed class BatchMetrics : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<int> _sizes = new();
        private long _waiting;

        public BatchMetrics(IServiceProvider services)
        {
            var scope = services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == scope && instrument.Name is "authapp.refresh.batch_size" or "authapp.refresh.rotations_waiting")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
            {
                if (instrument.Name == "authapp.refresh.batch_size")
                {
                    _sizes.Enqueue(value);
                }
                else
                {
                    Interlocked.Exchange(ref _waiting, value);
                }
            });
            _listener.Start();
        }

        public int[] BatchSizes => [.. _sizes];

        public long Waiting()
        {
            _listener.RecordObservableInstruments();
            return Interlocked.Read(ref _waiting);
        }

        public void Dispose() => _listener.Dispose();
    }
}
