using System.ComponentModel.DataAnnotations;

namespace AuthApp.Data.Passwords;

/// <summary>
/// Argon2id cost of new hashes (section <c>Passwords:Hashing</c>): OWASP's minimum by default,
/// 19 MiB and 2 passes with 1 lane. The upper bounds also bound what a stored <c>$argon2id$</c> hash may ask for.
/// </summary>
public sealed class PasswordHashingOptions
{
    public const string Section = "Passwords:Hashing";
    public const int MaxMemorySizeKiB = 4_194_304;
    public const int MaxIterations = 100;

    [Range(19_456, MaxMemorySizeKiB)]
    public int MemorySizeKiB { get; set; } = 19_456;

    [Range(2, MaxIterations)]
    public int Iterations { get; set; } = 2;

    /// <summary>
    /// Whether stored ASP.NET Core Identity v3 hashes (base64 PBKDF2 values) log in: only for a move from Identity,
    /// which a move from Django never brings. Off, such a value is a failed login like any unknown format.
    /// </summary>
    public bool AcceptIdentityV3 { get; set; }

    /// <summary>
    /// The most a stored <c>$argon2id$</c> value may ask for, unless the configured cost is higher: 256 MiB, and
    /// <c>m·t</c> of 1,048,576 KiB-passes (27× the default cost of 19 MiB × 2, about a second of one core here).
    /// The parameters travel in the stored string, so a tampered row could otherwise hold the hashing slot for minutes.
    /// </summary>
    public const int MaxStoredArgon2MemoryKiB = 262_144;

    public const long MaxStoredArgon2WorkKiB = 1_048_576;

    /// <summary>Identity v3 PBKDF2 iterations: Identity's default is 100,000 (.NET 7+); 2,000,000 is ~0.5 s here.</summary>
    public const int MaxIdentityV3Iterations = 2_000_000;
}
