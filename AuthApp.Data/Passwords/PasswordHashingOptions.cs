using System.ComponentModel.DataAnnotations;

namespace AuthApp.Data.Passwords;

/// <summary>
/// Argon2id cost of new hashes (section <c>Passwords:Hashing</c>): OWASP's minimum by default,
/// 19 MiB and 2 passes with 1 lane (libsodium computes one lane).
/// </summary>
public sealed class PasswordHashingOptions
{
    public const string Section = "Passwords:Hashing";

    [Range(19_456, 4_194_304)]
    public int MemorySizeKiB { get; set; } = 19_456;

    [Range(2, 100)]
    public int Iterations { get; set; } = 2;
}
