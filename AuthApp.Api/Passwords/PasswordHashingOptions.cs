using System.ComponentModel.DataAnnotations;

namespace AuthApp.Api.Passwords;

/// <summary>
/// Argon2id cost (OWASP's minimum by default: 19 MiB, 2 passes, 1 lane — libsodium computes one lane)
/// and how many hashes may run at once, so that a login flood cannot take every core.
/// </summary>
public sealed class PasswordHashingOptions
{
    public const string Section = "Passwords:Hashing";

    [Range(19_456, 4_194_304)]
    public int MemorySizeKiB { get; set; } = 19_456;

    [Range(2, 100)]
    public int Iterations { get; set; } = 2;

    /// <summary>0 means one less than the number of cores (at least 1).</summary>
    [Range(0, 1024)]
    public int MaxConcurrentHashes { get; set; }

    /// <summary>How long a request may wait for a hashing slot before it gets 503 with Retry-After.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public int EffectiveConcurrency => MaxConcurrentHashes > 0 ? MaxConcurrentHashes : Math.Max(1, Environment.ProcessorCount - 1);
}
