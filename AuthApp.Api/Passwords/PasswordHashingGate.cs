using AuthApp.Data.Passwords;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Passwords;

/// <summary>
/// Argon2id takes ~19 MiB and ~15 ms of a core per call. Bounding how many run at once (as many as the cores, all but
/// the first on threads of a lower priority: <see cref="HashingThreads"/>) keeps a login flood from starving token
/// checks and reads:
/// excess logins wait in a queue, then get <see cref="ErrorCodes.ServerBusy"/> rather than taking the whole machine.
/// The API hashes and verifies passwords only through here; each slot has its warm Argon2id workspace.
/// </summary>
public sealed class PasswordHashingGate(PasswordHasher hasher, HashingThreads threads, IOptions<HashingConcurrencyOptions> options,
    ApiTelemetry telemetry)
{
    private static readonly Error Busy = new(ErrorCodes.ServerBusy,
        "Too many password checks are in progress; retry shortly.", RetryAfter: TimeSpan.FromSeconds(1));

    private readonly SemaphoreSlim _slots = new(options.Value.EffectiveConcurrency, options.Value.EffectiveConcurrency);
    private readonly TimeSpan _queueTimeout = options.Value.QueueTimeout;

    /// <summary>A new Argon2id hash of <paramref name="password"/>, or <see cref="ErrorCodes.ServerBusy"/>.</summary>
    public Task<Outcome<string>> HashAsync(string password, CancellationToken ct) => RunAsync(() => hasher.Hash(password), ct);

    /// <summary>
    /// Checks <paramref name="password"/> against a stored hash, or, for an unknown account (<paramref name="storedHash"/>
    /// null), against a dummy hash so that the answer takes as long as for a real one.
    /// </summary>
    public Task<Outcome<PasswordVerification>> VerifyAsync(string? storedHash, string password, CancellationToken ct) =>
        RunAsync(() => storedHash is null ? hasher.VerifyAgainstDummy(password) : hasher.Verify(storedHash, password), ct);

    private async Task<Outcome<T>> RunAsync<T>(Func<T> work, CancellationToken ct)
    {
        telemetry.HashingQueue.Add(1);
        bool entered;
        try
        {
            entered = await _slots.WaitAsync(_queueTimeout, ct);
        }
        finally
        {
            telemetry.HashingQueue.Add(-1);
        }

        if (!entered)
        {
            telemetry.HashingRejected.Add(1);
            return Busy;
        }
        try
        {
            return await threads.RunAsync(work);
        }
        finally
        {
            _slots.Release();
        }
    }
}
