using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using NSec.Cryptography;

namespace AuthApp.Data.Passwords;

public enum PasswordVerification
{
    Failed,
    Success,

    /// <summary>Correct, but stored in an older format or with weaker parameters: store a new hash.</summary>
    SuccessRehashNeeded,
}

/// <summary>
/// New hashes are Argon2id PHC strings (<c>$argon2id$v=19$m=…,t=…,p=1$salt$hash</c>), computed in a warm
/// <see cref="Argon2idWorkspace"/> from <see cref="Argon2idWorkspacePool"/> (by libsodium, through NSec, when the pool
/// has none free or the hash needs more memory than its workspaces: the same bytes). Verification also accepts the
/// formats of the systems AuthApp replaces: every Django format (<see cref="DjangoPasswordVerifier"/>, with the
/// original's pepper from <see cref="DjangoPasswordOptions"/>) and, when configured, ASP.NET Core Identity v3, and asks
/// for a re-hash after a successful login with them. Unusable, unknown, malformed and too costly values fail closed.
/// </summary>
public sealed partial class PasswordHasher
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const int MinStoredHashBytes = 16; // libsodium's minimum
    private const int MaxStoredHashBytes = 64;
    private const string Argon2Prefix = "$argon2id$";

    private readonly PasswordHashingOptions _options;
    private readonly string _djangoPepper;
    private readonly Argon2idWorkspacePool _workspaces;
    private readonly string _dummyHash;

    /// <param name="workspaces">
    /// The API's pool, one workspace per hashing slot; without it (the migration worker, tests) a pool of one.
    /// </param>
    public PasswordHasher(IOptions<PasswordHashingOptions> options, IOptions<DjangoPasswordOptions>? django = null,
        Argon2idWorkspacePool? workspaces = null)
    {
        _options = options.Value;
        _djangoPepper = django?.Value.Pepper ?? "";
        _workspaces = workspaces ?? new Argon2idWorkspacePool(_options.MemorySizeKiB, capacity: 1);
        // Verified against when the user does not exist, so that unknown users cost the same as known ones.
        _dummyHash = Hash(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
    }

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Argon2id(password, salt, _options.MemorySizeKiB, _options.Iterations);
        return $"{Argon2Prefix}v=19$m={_options.MemorySizeKiB},t={_options.Iterations},p=1${B64(salt)}${B64(hash)}";
    }

    public PasswordVerification Verify(string storedHash, string password)
    {
        if (storedHash.StartsWith(Argon2Prefix, StringComparison.Ordinal))
        {
            return VerifyArgon2id(storedHash, password);
        }
        if (storedHash.StartsWith(DjangoPasswordVerifier.WrappedPrefix, StringComparison.Ordinal))
        {
            return VerifyWrappedLegacyDigest(storedHash, password);
        }
        if (DjangoPasswordVerifier.IsDjangoFormat(storedHash))
        {
            return DjangoPasswordVerifier.Verify(storedHash, password, _djangoPepper);
        }
        return Rehash(_options.AcceptIdentityV3 && VerifyIdentityV3(storedHash, password));
    }

    /// <summary>
    /// Whether a stored <c>$argon2id$</c> value is well-formed and within the bounds (see
    /// <see cref="PasswordHashingOptions.StoredArgon2CostFactor"/>): what verification would compute at all.
    /// </summary>
    public bool IsVerifiableArgon2id(string storedHash) => ParseArgon2id(storedHash) is not null;

    /// <summary>A legacy digest wrapped at import: Argon2id of the digest the password gives; a match is re-hashed at once.</summary>
    private PasswordVerification VerifyWrappedLegacyDigest(string storedHash, string password)
    {
        if (!DjangoPasswordVerifier.TryUnwrap(storedHash, password, _djangoPepper, out var digest, out var argon2id))
        {
            return PasswordVerification.Failed;
        }
        return Rehash(VerifyArgon2id(argon2id, digest) != PasswordVerification.Failed);
    }

    /// <summary>Spends the time of a real verification and always fails.</summary>
    public PasswordVerification VerifyAgainstDummy(string password)
    {
        VerifyArgon2id(_dummyHash, password);
        return PasswordVerification.Failed;
    }

    private PasswordVerification VerifyArgon2id(string storedHash, string password)
    {
        if (ParseArgon2id(storedHash) is not { } stored)
        {
            return PasswordVerification.Failed;
        }
        var actual = Argon2id(password, stored.Salt, stored.MemoryKiB, stored.Iterations, stored.Hash.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, stored.Hash))
        {
            return PasswordVerification.Failed;
        }
        return stored.MemoryKiB < _options.MemorySizeKiB || stored.Iterations < _options.Iterations
            ? PasswordVerification.SuccessRehashNeeded
            : PasswordVerification.Success;
    }

    private sealed record StoredArgon2id(int MemoryKiB, int Iterations, byte[] Salt, byte[] Hash);

    /// <summary>
    /// <c>$argon2id$v=19$m=…,t=…,p=1$salt$hash</c>, each parameter once and in that order, within the bounds; null for
    /// anything else, so that no stored value can make verification throw or run for longer than the bounds allow.
    /// </summary>
    private StoredArgon2id? ParseArgon2id(string storedHash)
    {
        // ["", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash]
        var parts = storedHash.Split('$');
        if (parts.Length != 6 || parts[1] != "argon2id" || parts[2] != "v=19")
        {
            return null;
        }
        var parameters = Argon2Parameters().Match(parts[3]);
        if (!parameters.Success || !int.TryParse(parameters.Groups["m"].ValueSpan, out var memory)
            || !int.TryParse(parameters.Groups["t"].ValueSpan, out var iterations) || parameters.Groups["p"].Value != "1"
            || !WithinArgon2Bounds(memory, iterations))
        {
            return null;
        }
        return TryFromB64(parts[4], out var salt) && salt.Length == SaltBytes
            && TryFromB64(parts[5], out var hash) && hash.Length is >= MinStoredHashBytes and <= MaxStoredHashBytes
                ? new StoredArgon2id(memory, iterations, salt, hash)
                : null;
    }

    private bool WithinArgon2Bounds(int memoryKiB, int iterations) =>
        memoryKiB >= 8 && iterations >= 1
        && memoryKiB <= (long)PasswordHashingOptions.StoredArgon2CostFactor * _options.MemorySizeKiB
        && (long)memoryKiB * iterations
            <= (long)PasswordHashingOptions.StoredArgon2CostFactor * _options.MemorySizeKiB * _options.Iterations;

    [GeneratedRegex(@"^m=(?<m>[0-9]{1,10}),t=(?<t>[0-9]{1,10}),p=(?<p>[0-9]{1,3})$")]
    private static partial Regex Argon2Parameters();

    /// <summary>Whether a value has Identity v3's shape (base64 of 0x01 and a 12-byte header), whatever it holds.</summary>
    public static bool HasIdentityV3Shape(string storedHash) =>
        storedHash.Length <= 512 && TryFromBase64(storedHash, out var bytes) && bytes.Length >= 13 && bytes[0] == 0x01;

    /// <summary>
    /// Identity v3: 0x01 | PRF (u32 BE) | iterations (u32 BE) | salt length (u32 BE) | salt | subkey. Bounded like every
    /// stored format: iterations up to <see cref="PasswordHashingOptions.MaxIdentityV3Iterations"/>, a salt of 8–64 bytes
    /// and a subkey of 16–64 (Identity writes 16 and 32), read as unsigned so no length can wrap.
    /// </summary>
    private static bool VerifyIdentityV3(string storedHash, string password)
    {
        if (storedHash.Length > 512 || !TryFromBase64(storedHash, out var bytes) || bytes.Length < 13 || bytes[0] != 0x01)
        {
            return false;
        }
        var prf = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1));
        var iterations = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5));
        var saltLength = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(9));
        HashAlgorithmName? algorithm = prf switch
        {
            0 => HashAlgorithmName.SHA1,
            1 => HashAlgorithmName.SHA256,
            2 => HashAlgorithmName.SHA512,
            _ => null,
        };
        if (algorithm is null || iterations is < 1 or > PasswordHashingOptions.MaxIdentityV3Iterations
            || saltLength is < 8 or > 64 || bytes.Length - 13 - (int)saltLength is < 16 or > 64)
        {
            return false;
        }
        var salt = bytes.AsSpan(13, (int)saltLength);
        var expected = bytes.AsSpan(13 + (int)saltLength);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, (int)iterations, algorithm.Value, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private byte[] Argon2id(string password, byte[] salt, int memoryKiB, int iterations, int length = HashBytes)
    {
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        var hash = new byte[length];
        try
        {
            if (!_workspaces.TryHash(passwordBytes, salt, memoryKiB, iterations, hash))
            {
                // Same result, in memory libsodium maps for this hash and releases after it.
                var algorithm = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
                {
                    DegreeOfParallelism = 1,
                    MemorySize = memoryKiB,
                    NumberOfPasses = iterations,
                });
                algorithm.DeriveBytes(passwordBytes, salt, hash);
            }
            return hash;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    private static PasswordVerification Rehash(bool verified) =>
        verified ? PasswordVerification.SuccessRehashNeeded : PasswordVerification.Failed;

    // PHC strings use standard base64 without padding.
    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static bool TryFromB64(string text, out byte[] bytes) =>
        TryFromBase64(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='), out bytes);

    private static bool TryFromBase64(string text, out byte[] bytes)
    {
        var buffer = new byte[text.Length];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            bytes = buffer[..written];
            return true;
        }
        bytes = [];
        return false;
    }
}
