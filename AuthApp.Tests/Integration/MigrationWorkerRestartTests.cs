using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace AuthApp.Tests.Integration;

/// <summary>
/// Where an exited container is started again (Azure Container Apps restarts the migration worker after it exits 0),
/// the worker runs again against a migrated database: it must change nothing, succeed and say nothing.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class MigrationWorkerRestartTests(AppHostFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_restarted_migration_worker_exits_0_changes_nothing_and_logs_nothing()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var notifications = fixture.App.ResourceNotifications;
        var firstRun = await notifications.WaitForResourceAsync("migrations",
            e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cts.Token);
        var before = await DatabaseStateAsync();
        var logs = fixture.App.Services.GetRequiredService<ResourceLoggerService>();
        var linesBefore = await LogLinesAsync(logs, firstRun.ResourceId);
        // The first run, on a new database, did say what it did (and this is how its lines look).
        Assert.Contains(linesBefore, WrittenByTheWorker);
        Assert.Contains(linesBefore, line => line.Content.Contains("Applied "));

        await fixture.App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync("migrations", KnownResourceCommands.StartCommand, cts.Token);
        var secondRun = await notifications.WaitForResourceAsync("migrations",
            e => e.Snapshot.StartTimeStamp > firstRun.Snapshot.StartTimeStamp
                && KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cts.Token);

        Assert.Equal(KnownResourceStates.Finished, secondRun.Snapshot.State?.Text);
        Assert.Equal(0, secondRun.Snapshot.ExitCode);
        output.WriteLine($"The second run took {(secondRun.Snapshot.StopTimeStamp - secondRun.Snapshot.StartTimeStamp)?.TotalSeconds:F1} s from process start to exit.");
        Assert.Equal(before, await DatabaseStateAsync());
        // The orchestrator's own lines about starting it aside, nothing: no log line at Information or above, no stderr.
        var linesOfSecondRun = (await LogLinesAsync(logs, secondRun.ResourceId)).Skip(linesBefore.Count).ToList();
        var written = linesOfSecondRun.Where(WrittenByTheWorker).Select(l => l.Content).ToList();
        Assert.True(written.Count == 0, "The second run wrote: " + string.Join(" | ", written));
    }

    private static readonly Regex LogLevelAtInformationOrAbove = new(@"^\S+Z (\x1b\[[0-9;]*m)*(info|warn|fail|crit)(\x1b\[[0-9;]*m)*: ");

    private static bool WrittenByTheWorker(LogLine line) => line.IsErrorMessage || LogLevelAtInformationOrAbove.IsMatch(line.Content);

    /// <summary>What a run of the worker could change: the migration history and the seeded superuser.</summary>
    private async Task<string> DatabaseStateAsync()
    {
        await using var connection = new NpgsqlConnection(await fixture.GetConnectionStringAsync("authdb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT (SELECT string_agg(migration_id, ',' ORDER BY migration_id) FROM "__EFMigrationsHistory") || ' / ' ||
                   (SELECT string_agg(id::text || password_hash || updated_at::text || is_superuser::text, ',')
                    FROM users WHERE normalized_email = 'root@example.com')
            """, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<LogLine>> LogLinesAsync(ResourceLoggerService logs, string resourceId)
    {
        var lines = new List<LogLine>();
        await foreach (var batch in logs.GetAllAsync(resourceId))
        {
            lines.AddRange(batch);
        }
        return lines;
    }
}
