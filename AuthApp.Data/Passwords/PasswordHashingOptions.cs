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
}
