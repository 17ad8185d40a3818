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
    /// How much more than the configured cost a stored <c>$argon2id$</c> value may ask for, in memory and in m·t: 4, so
    /// hashes made before the cost was lowered still log in, while the worst value a row can hold costs about four
    /// default logins (m ≤ 76 MiB, m·t ≤ 155,648 KiB-passes at the default 19 MiB × 2). The parameters travel in the stored
    /// string, so a tampered row could otherwise hold the hashing slot for minutes.
    /// </summary>
    public const int StoredArgon2CostFactor = 4;

    /// <summary>Identity v3 PBKDF2 iterations: Identity's default is 100,000 (.NET 7+); 2,000,000 is ~0.5 s here.</summary>
    public const int MaxIdentityV3Iterations = 2_000_000;
}
