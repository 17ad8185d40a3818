using AuthApp.Api.Common;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Passwords;

/// <summary>Thrown when no hashing slot frees up within the queue timeout; answered with 503 and Retry-After.</summary>
public sealed class PasswordHashingBusyException() : Exception("Password hashing is saturated.");

/// <summary>
/// Argon2id takes ~19 MiB and tens of milliseconds of a core per call. Bounding how many run at once
/// (one less than the cores by default) keeps a login flood from starving token checks and reads:
/// excess logins wait in a queue, then get 503 rather than taking the whole machine.
/// </summary>
public sealed class PasswordHashingGate(IOptions<PasswordHashingOptions> options, ApiTelemetry telemetry)
{
    private readonly SemaphoreSlim _slots = new(options.Value.EffectiveConcurrency, options.Value.EffectiveConcurrency);
    private readonly TimeSpan _queueTimeout = options.Value.QueueTimeout;

    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken ct)
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
            throw new PasswordHashingBusyException();
        }
        try
        {
            return work();
        }
        finally
        {
            _slots.Release();
        }
    }
}
