using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuthApp.AppHost;

/// <summary>
/// Says in the terminal, within seconds, when a resource that others wait for fails: which one, its last error line,
/// where its logs are, and who is left waiting. Without it a failed migration worker leaves the API "Waiting" in the
/// dashboard and the terminal silent, and a newcomer has nothing to go on.
/// </summary>
public sealed partial class StartupFailureReporter(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ResourceLoggerService logs,
    IConfiguration configuration,
    ILogger<StartupFailureReporter> logger)
{
    /// <summary>The last console lines of each awaited resource, kept from its start: a finished resource's logs are not
    /// always there to be read afterwards (the orchestrator streams them only to live subscribers).</summary>
    private readonly ConcurrentDictionary<string, ConcurrentQueue<LogLine>> _recentLines = new();

    private const int KeptLines = 200;

    /// <summary>Watches until the AppHost stops; started before any resource is, so no failure goes unseen.</summary>
    public async Task WatchAsync(CancellationToken stoppingToken)
    {
        foreach (var awaited in model.Resources.Where(IsAwaited))
        {
            _ = Task.Run(() => KeepRecentLinesAsync(awaited, stoppingToken), stoppingToken);
        }
        var reported = new HashSet<string>();
        try
        {
            await foreach (var change in notifications.WatchAsync(stoppingToken))
            {
                if (HasFailed(change.Snapshot) && IsAwaited(change.Resource)
                    && reported.Add($"{change.ResourceId}@{change.Snapshot.StartTimeStamp:O}"))
                {
                    await ReportAsync(change, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task KeepRecentLinesAsync(IResource resource, CancellationToken ct)
    {
        var lines = _recentLines.GetOrAdd(resource.Name, _ => new ConcurrentQueue<LogLine>());
        try
        {
            await foreach (var batch in logs.WatchAsync(resource).WithCancellation(ct))
            {
                foreach (var line in batch)
                {
                    lines.Enqueue(line);
                }
                while (lines.Count > KeptLines && lines.TryDequeue(out _))
                {
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Failed to start, or ended with an exit code other than 0 (a clean stop ends with 0).</summary>
    public static bool HasFailed(CustomResourceSnapshot snapshot) =>
        snapshot.State?.Text == KnownResourceStates.FailedToStart
        || (snapshot.State?.Text is { } state
            && (state == KnownResourceStates.Exited || state == KnownResourceStates.Finished)
            && snapshot.ExitCode is { } code && code != 0);

    private bool IsAwaited(IResource resource) => Waiters(resource).Any();

    private IEnumerable<IResource> Waiters(IResource resource) => model.Resources.Where(r =>
        r.Annotations.OfType<WaitAnnotation>().Any(wait => wait.Resource == resource));

    private async Task ReportAsync(ResourceEvent change, CancellationToken ct)
    {
        if (FailedDependency(change.Resource) is { } cause)
        {
            // A consequence, not a cause: the dependency's own report says what went wrong.
            logger.LogError("Resource '{Resource}' will not start: it waits for '{Dependency}', which failed",
                change.Resource.Name, cause);
            return;
        }
        var lastError = await LastErrorLineAsync(change.Resource, ct);
        var waiters = string.Join(", ", Waiters(change.Resource).Select(r => r.Name));
        var exit = change.Snapshot.ExitCode is { } code ? $"exited with code {code}" : "failed to start";
        logger.LogError(
            "Resource '{Resource}' {Exit}: {LastError} | Its logs: {Logs} | Waiting for it, not started: {Waiters}",
            change.Resource.Name, exit, lastError ?? "(it wrote no error line)", LogsLocation(change.Resource.Name), waiters);
    }

    private string? FailedDependency(IResource resource) => resource.Annotations.OfType<WaitAnnotation>()
        .Select(wait => wait.Resource.Name)
        .FirstOrDefault(name => notifications.TryGetCurrentState(name, out var state) && HasFailed(state.Snapshot));

    /// <summary>
    /// The message of the last error a .NET service logged (the line after its "fail:" or "crit:" header), else the last
    /// line it wrote to stderr, else its last line; the first line of each, never a stack trace.
    /// </summary>
    private async Task<string?> LastErrorLineAsync(IResource resource, CancellationToken ct)
    {
        // A process's last lines reach the log stream a moment after its exit reaches the state.
        await Task.Delay(LogLag, ct);
        var lines = _recentLines.TryGetValue(resource.Name, out var kept) ? kept.ToList() : [];
        return LastErrorLine(lines.Select(l => (l.Content, l.IsErrorMessage)).ToList());
    }

    private static readonly TimeSpan LogLag = TimeSpan.FromSeconds(1);

    public static string? LastErrorLine(IReadOnlyList<(string Content, bool IsError)> lines)
    {
        var texts = lines.Select(l => Text(l.Content)).ToList();
        var header = texts.FindLastIndex(t => ErrorHeader().IsMatch(t));
        if (header >= 0 && header + 1 < texts.Count && !LevelHeader().IsMatch(texts[header + 1]))
        {
            return texts[header + 1].Trim();
        }
        var stderr = lines.Select((l, i) => (l.IsError, Text: texts[i])).LastOrDefault(l => l.IsError && l.Text.Trim().Length > 0);
        return stderr.Text?.Trim() ?? texts.LastOrDefault(t => t.Trim().Length > 0)?.Trim();
    }

    /// <summary>A console line without the orchestrator's timestamp and without colour codes.</summary>
    private static string Text(string content) =>
        Timestamp().Replace(Ansi().Replace(content.Split('\n')[0], ""), "");

    private string LogsLocation(string resourceName)
    {
        var dashboard = configuration["ASPNETCORE_URLS"]?.Split(';')[0].TrimEnd('/');
        return dashboard is null
            ? $"the dashboard's Console logs for '{resourceName}'"
            : $"{dashboard}/consolelogs/resource/{resourceName}";
    }

    [GeneratedRegex(@"^(fail|crit): ")]
    private static partial Regex ErrorHeader();

    [GeneratedRegex(@"^(trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex LevelHeader();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\S+Z ")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Ansi();
}

public static class StartupFailureReporterExtensions
{
    /// <summary>In run mode, the terminal hears of a failed resource that others wait for (see <see cref="StartupFailureReporter"/>).</summary>
    public static IDistributedApplicationBuilder AddStartupFailureReporter(this IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return builder;
        }
        builder.Services.AddSingleton<StartupFailureReporter>();
        // Not a hosted service: the host starts those only after every resource has started, and a resource left
        // waiting on a failed one never does. Before-start runs first, so the watch sees every state from the beginning.
        builder.Eventing.Subscribe<BeforeStartEvent>((started, cancellation) =>
        {
            var stopping = started.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = Task.Run(() => started.Services.GetRequiredService<StartupFailureReporter>().WatchAsync(stopping), stopping);
            return Task.CompletedTask;
        });
        return builder;
    }
}
