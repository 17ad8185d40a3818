using System.ComponentModel.DataAnnotations;

namespace AuthApp.Api.Passwords;

/// <summary>
/// How many password hashes may run at once and how long a request may wait for a slot (section
/// <c>Passwords:Hashing</c>, beside the Argon2id cost), so that a login flood cannot take every core.
/// </summary>
public sealed class HashingConcurrencyOptions
{
    public const string Section = "Passwords:Hashing";

    /// <summary>
    /// 0 means as many as the cores when the hashing threads run at a lower priority (<see cref="LowerPriority"/>), one
    /// less than the cores (at least 1) when they do not.
    /// </summary>
    [Range(0, 1024)]
    public int MaxConcurrentHashes { get; set; }

    /// <summary>How long a request may wait for a hashing slot before it gets 503 with Retry-After.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Every hashing slot but the first runs on a thread of a lower OS priority than the requests'
    /// (<see cref="HashingThreads"/>), so that the extra slots use the cores only while nothing else needs them.
    /// </summary>
    public bool LowerPriority { get; set; } = true;

    public int EffectiveConcurrency => MaxConcurrentHashes > 0 ? MaxConcurrentHashes
        : LowerPriority ? Environment.ProcessorCount : Math.Max(1, Environment.ProcessorCount - 1);
}
