using System.Diagnostics;
using AuthApp.Data.Passwords;

namespace AuthApp.Api.Passwords;

/// <summary>
/// Fills the Argon2id workspaces right after start (one hash in each, all held at once), so that each slot's
/// workspace pays its first-touch page faults and the JIT (about 100 ms here) before the first logins instead of
/// during them. A login that arrives meanwhile finds no free workspace and hashes with libsodium.
/// </summary>
public sealed class PasswordHashingWarmup(Argon2idWorkspacePool pool, ILogger<PasswordHashingWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!pool.CoreVerified)
        {
            logger.LogError("AuthApp's Argon2id core failed its known-answer test on this machine: every hash is computed by "
                + "libsodium instead (the same bytes, in fresh memory per hash)");
            return;
        }
        var started = Stopwatch.GetTimestamp();
        // Off the start-up path: the host does not wait for it.
        await Task.Run(pool.WarmUp, stoppingToken);
        logger.LogDebug("Warmed {Created} of {Capacity} Argon2id workspaces in {Elapsed} ms",
            pool.Created, pool.Capacity, (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}
