using System.Diagnostics;
using AuthApp.Data.Passwords;

namespace AuthApp.Api.Passwords;

/// <summary>
/// Hashes once per hashing slot right after start, so that each slot's Argon2id workspace pays its first-touch page
/// faults and the JIT (about 100 ms here) before the first logins instead of during them. Goes through the gate like
/// any login: a real login that arrives meanwhile simply queues behind it.
/// </summary>
public sealed class PasswordHashingWarmup(PasswordHashingGate gate, Argon2idWorkspacePool pool, ILogger<PasswordHashingWarmup> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = Stopwatch.GetTimestamp();
        // Overlapping hashes take different workspaces; sequential ones would all reuse the first.
        var hashes = Enumerable.Range(0, pool.Capacity)
            .Select(_ => Task.Run(() => gate.HashAsync("warm-up", stoppingToken), stoppingToken));
        try
        {
            await Task.WhenAll(hashes);
            logger.LogDebug("Warmed {Created} of {Capacity} Argon2id workspaces in {Elapsed} ms",
                pool.Created, pool.Capacity, (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
