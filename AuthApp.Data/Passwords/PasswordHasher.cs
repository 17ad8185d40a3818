using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
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
/// original's pepper from <see cref="DjangoPasswordOptions"/>) and ASP.NET Core Identity v3, and asks for a re-hash
/// after a successful login with them. Unusable, unknown and malformed values fail closed.
/// </summary>
public sealed class PasswordHasher
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
        if (DjangoPasswordVerifier.IsDjangoFormat(storedHash))
        {
            return DjangoPasswordVerifier.Verify(storedHash, password, _djangoPepper);
        }
        return Rehash(VerifyIdentityV3(storedHash, password));
    }

    /// <summary>Spends the time of a real verification and always fails.</summary>
    public PasswordVerification VerifyAgainstDummy(string password)
    {
        VerifyArgon2id(_dummyHash, password);
        return PasswordVerification.Failed;
    }

    private PasswordVerification VerifyArgon2id(string storedHash, string password)
    {
        // $argon2id$v=19$m=19456,t=2,p=1$salt$hash  → ["", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash]
        var parts = storedHash.Split('$');
        if (parts.Length != 6 || parts[2] != "v=19")
        {
            return PasswordVerification.Failed;
        }
        var parameters = parts[3].Split(',').Select(p => p.Split('=')).Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => int.TryParse(kv[1], out var v) ? v : -1);
        if (!parameters.TryGetValue("m", out var memory) || !parameters.TryGetValue("t", out var iterations) ||
            parameters.GetValueOrDefault("p") != 1 || memory < 8 || iterations < 1 ||
            memory > PasswordHashingOptions.MaxMemorySizeKiB || iterations > PasswordHashingOptions.MaxIterations ||
            !TryFromB64(parts[4], out var salt) || !TryFromB64(parts[5], out var expected) || salt.Length != SaltBytes ||
            expected.Length is < MinStoredHashBytes or > MaxStoredHashBytes)
        {
            return PasswordVerification.Failed;
        }

        var actual = Argon2id(password, salt, memory, iterations, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordVerification.Failed;
        }
        return memory < _options.MemorySizeKiB || iterations < _options.Iterations
            ? PasswordVerification.SuccessRehashNeeded
            : PasswordVerification.Success;
    }

    /// <summary>Identity v3: 0x01 | PRF (u32 BE) | iterations (u32 BE) | salt length (u32 BE) | salt | subkey.</summary>
    private static bool VerifyIdentityV3(string storedHash, string password)
    {
        if (!TryFromBase64(storedHash, out var bytes) || bytes.Length < 13 || bytes[0] != 0x01)
        {
            return false;
        }
        var prf = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1));
        var iterations = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5));
        var saltLength = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(9));
        HashAlgorithmName? algorithm = prf switch
        {
            0 => HashAlgorithmName.SHA1,
            1 => HashAlgorithmName.SHA256,
            2 => HashAlgorithmName.SHA512,
            _ => null,
        };
        if (algorithm is null || iterations < 1 || saltLength < 8 || 13 + saltLength >= bytes.Length)
        {
            return false;
        }
        var salt = bytes.AsSpan(13, saltLength);
        var expected = bytes.AsSpan(13 + saltLength);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, algorithm.Value, expected.Length);
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
