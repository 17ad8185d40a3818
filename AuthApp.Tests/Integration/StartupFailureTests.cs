using System.Collections.Concurrent;
using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace AuthApp.Tests.Integration;

/// <summary>
/// A seed the worker cannot apply, through the real AppHost: the worker stops with one line naming the fix (no stack
/// trace), and the AppHost says at once which resource failed, its last error line, where its logs are and that the API
/// is left waiting, instead of a silent terminal.
/// </summary>
public sealed class StartupFailureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_superuser_seed_that_cannot_be_applied_is_named_in_the_terminal_within_seconds()
    {
        var dataDirectory = LocalAppHost.NewDataDirectory("startup-failure");
        var appHostLines = new ConcurrentQueue<string>();
        DistributedApplication? app = null;
        try
        {
            using var cts = new CancellationTokenSource(AppHostFixture.StartTimeout);
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AuthApp_AppHost>(
                [
                    "AuthApp:Infrastructure=local",
                    $"AuthApp:Local:DataDirectory={dataDirectory}",
                    $"Parameters:jwt-signing-key={TestSecrets.SigningKey}",
                    "AuthApp:Superuser:Email=newcomer@example.com",
                    "Parameters:superuser-password=short", // fewer than 8 characters
                ],
                (options, _) => options.DisableDashboard = true,
                cts.Token);
            builder.Services.AddLogging(logging => logging.AddProvider(new CapturingLoggerProvider(appHostLines)));
            app = await builder.BuildAsync(cts.Token);
            await app.StartAsync(cts.Token);

            var failed = await app.ResourceNotifications.WaitForResourceAsync("migrations",
                e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cts.Token);
            var exitedAt = Stopwatch.GetTimestamp();
            Assert.Equal(1, failed.Snapshot.ExitCode);

            var report = await WaitForReportAsync(appHostLines, cts.Token);
            output.WriteLine($"Reported {Stopwatch.GetElapsedTime(exitedAt).TotalSeconds:F1} s after the exit: {report}");
            Assert.Contains("Resource 'migrations' exited with code 1", report);
            Assert.Contains("The superuser password (Parameters:superuser-password) has fewer than 8 characters", report);
            Assert.Contains("Waiting for it, not started: api", report);
            // The API's failure to start is told as the consequence it is, not as a second puzzle.
            await WaitForLineAsync(appHostLines, "Resource 'api' will not start: it waits for 'migrations', which failed", cts.Token);

            var workerLines = await ConsoleLinesAsync(app, failed.ResourceId);
            Assert.Contains(workerLines, l => l.Contains("fewer than 8 characters"));
            Assert.DoesNotContain(workerLines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal)); // no stack trace
            Assert.NotEqual(KnownResourceStates.Running,
                app.ResourceNotifications.TryGetCurrentState("api", out var api) ? api.Snapshot.State?.Text : null);
        }
        finally
        {
            await LocalAppHost.StopAsync(app, dataDirectory);
        }
    }

    private static Task<string> WaitForReportAsync(ConcurrentQueue<string> lines, CancellationToken ct) =>
        WaitForLineAsync(lines, "Resource 'migrations'", ct);

    private static async Task<string> WaitForLineAsync(ConcurrentQueue<string> lines, string part, CancellationToken ct)
    {
        using var within = CancellationTokenSource.CreateLinkedTokenSource(ct);
        within.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            var report = lines.FirstOrDefault(l => l.StartsWith("Error: AuthApp.AppHost.StartupFailureReporter: ") && l.Contains(part));
            if (report is not null)
            {
                return report;
            }
            await Task.Delay(100, within.Token);
        }
    }

    private static async Task<List<string>> ConsoleLinesAsync(DistributedApplication app, string resourceId)
    {
        var lines = new List<string>();
        await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(resourceId))
        {
            lines.AddRange(batch.Select(l => l.Content));
        }
        return lines;
    }
}
