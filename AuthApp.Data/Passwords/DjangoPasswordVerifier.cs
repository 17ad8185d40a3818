using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AuthApp.Data.Passwords;

/// <summary>
/// Verifies the passwords of users imported from the original Django service, in every format Django's
/// <c>check_password</c> accepts, so that they can log in once and be re-hashed to Argon2id.
/// </summary>
/// <remarks>
/// <para>
/// <b>The pepper.</b> The original service's <c>PasswordUtils</c> appended its <c>PASSWORD_PEPPER</c>
/// setting to the password before <c>make_password</c> and again before <c>check_password</c>: Django
/// hashed <c>password + pepper</c> (plain concatenation, UTF-8). An empty pepper is plain Django.
/// </para>
/// <para>
/// <b>Semantics.</b> A match is reported as <see cref="PasswordVerification.SuccessRehashNeeded"/>, never
/// <see cref="PasswordVerification.Success"/>: no Django format is AuthApp's format. Everything else is
/// <see cref="PasswordVerification.Failed"/>, without throwing: unusable passwords (<c>!…</c>), unknown or
/// deliberately unsupported formats, values Django itself could not verify, and hashes whose parameters
/// exceed <see cref="DjangoHashLimits"/> (refused before anything is allocated or computed). The result is
/// decided the way Django decides it: the value is recomputed from the password and the stored parameters
/// and compared in constant time (<see cref="CryptographicOperations.FixedTimeEquals"/>) with the stored one.
/// </para>
/// <para>
/// Thread-safe and allocation-bounded. Django's Argon2 (argon2id, argon2i, argon2d) is computed by AuthApp's own Argon2
/// core on the calling thread, in memory wiped when it is done. Call this from the bounded hashing slot (the repo's
/// <c>PasswordHashingGate</c>) like every other hash.
/// </para>
/// </remarks>
public static class DjangoPasswordVerifier
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// True for any value Django could have stored, including unusable (<c>!…</c>), malformed and
    /// deliberately unsupported ones, so that a caller routes all of them here (where they fail closed)
    /// rather than to another verifier. False for AuthApp's own <c>$argon2id$…</c> and ASP.NET Identity values.
    /// </summary>
    public static bool IsDjangoFormat(string? storedHash) => Identify(storedHash) != DjangoHashFormat.Unknown;

    /// <summary>The format of a stored value, from its prefix alone (as Django's <c>identify_hasher</c>).</summary>
    public static DjangoHashFormat Identify(string? storedHash)
    {
        if (string.IsNullOrEmpty(storedHash))
        {
            return DjangoHashFormat.Unknown;
        }
        if (storedHash[0] == '!')
        {
            return DjangoHashFormat.Unusable;
        }
        // Ancient Django: bare unsalted MD5 hex digests, and MD5/SHA-1 with an empty salt.
        if (storedHash.Length == 32 && IsLowerHex(storedHash))
        {
            return DjangoHashFormat.UnsaltedMd5;
        }
        if (storedHash.Length == 37 && storedHash.StartsWith("md5$$", StringComparison.Ordinal))
        {
            return DjangoHashFormat.UnsaltedMd5;
        }
        if (storedHash.Length == 46 && storedHash.StartsWith("sha1$$", StringComparison.Ordinal))
        {
            return DjangoHashFormat.UnsaltedSha1;
        }
        var dollar = storedHash.IndexOf('$', StringComparison.Ordinal);
        if (dollar <= 0)
        {
            return DjangoHashFormat.Unknown;
        }
        return storedHash.AsSpan(0, dollar) switch
        {
            "pbkdf2_sha256" => DjangoHashFormat.Pbkdf2Sha256,
            "pbkdf2_sha1" => DjangoHashFormat.Pbkdf2Sha1,
            "argon2" => DjangoHashFormat.Argon2,
            "bcrypt_sha256" => DjangoHashFormat.BcryptSha256,
            "bcrypt" => DjangoHashFormat.Bcrypt,
            "scrypt" => DjangoHashFormat.Scrypt,
            "md5" => DjangoHashFormat.Md5,
            "sha1" => DjangoHashFormat.Sha1,
            "unsalted_md5" => DjangoHashFormat.UnsaltedMd5,
            "unsalted_sha1" => DjangoHashFormat.UnsaltedSha1,
            "crypt" => DjangoHashFormat.Crypt,
            _ => DjangoHashFormat.Unknown,
        };
    }

    /// <summary>
    /// The prefix of a legacy digest wrapped at import: <c>argon2id-wrapped$format$salt$</c> and then the Argon2id PHC
    /// string of the digest's lowercase hex, itself starting with <c>$argon2id$</c> (the salt is empty for the unsalted
    /// formats).
    /// </summary>
    public const string WrappedPrefix = "argon2id-wrapped$";

    /// <summary>
    /// A salted or unsalted MD5 or SHA-1 value wrapped in Argon2id (<paramref name="argon2id"/> hashes the digest's hex),
    /// or null for any other value. Such a digest verifies in microseconds, so while it stays in the table it tells
    /// by timing which accounts have one and can be cracked from a copy; wrapped, it costs what any login costs.
    /// </summary>
    public static string? WrapLegacyDigest(string storedHash, Func<string, string> argon2id)
    {
        var info = Parse(storedHash, DjangoHashLimits.Default, out var parsed);
        if (!info.IsVerifiable || parsed is not DigestHash digest)
        {
            return null;
        }
        return $"{WrappedPrefix}{LegacyName(info.Format)}${digest.Salt}${argon2id(digest.ExpectedHex)}";
    }

    /// <summary>
    /// For a wrapped value: the hex digest that <paramref name="password"/> (with the pepper) gives under the wrapped
    /// format, and the Argon2id PHC string to check it against; false when the value is not a well-formed wrapped one.
    /// </summary>
    public static bool TryUnwrap(string storedHash, string password, string pepper, out string digestHex, out string argon2id)
    {
        digestHex = argon2id = "";
        var parts = storedHash.Split('$', 4);
        var md5 = parts.Length == 4 ? parts[1] switch { "md5" or "unsalted_md5" => true, "sha1" or "unsalted_sha1" => false, _ => (bool?)null } : null;
        if (md5 is null || parts[3].Length > 512 || !parts[3].StartsWith("$argon2id$", StringComparison.Ordinal)
            || parts[1].StartsWith("unsalted_", StringComparison.Ordinal) != (parts[2].Length == 0))
        {
            return false;
        }
        byte[]? secret = null;
        try
        {
            secret = PasswordBytes(password, pepper);
            digestHex = new DigestHash(md5.Value, parts[2], "").HexOf(secret);
            argon2id = parts[3];
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
        finally
        {
            if (secret is not null)
            {
                CryptographicOperations.ZeroMemory(secret);
            }
        }
    }

    private static string LegacyName(DjangoHashFormat format) => format switch
    {
        DjangoHashFormat.Md5 => "md5",
        DjangoHashFormat.Sha1 => "sha1",
        DjangoHashFormat.UnsaltedMd5 => "unsalted_md5",
        _ => "unsalted_sha1",
    };

    /// <summary>
    /// Parses a stored value and checks its parameters against <paramref name="limits"/> without computing
    /// the hash: for the importer's report of rows that cannot log in as they are.
    /// </summary>
    public static DjangoHashInfo Inspect(string? storedHash, DjangoHashLimits? limits = null) =>
        Parse(storedHash, limits ?? DjangoHashLimits.Default, out _);

    /// <summary>
    /// Checks <paramref name="password"/> (as typed, without the pepper) against a stored Django value.
    /// </summary>
    /// <param name="storedHash">The <c>password</c> column of the original <c>users</c> table.</param>
    /// <param name="password">The password the user typed.</param>
    /// <param name="pepper">The original deployment's <c>PASSWORD_PEPPER</c>; empty for plain Django.</param>
    /// <param name="limits">Cost bounds; <see cref="DjangoHashLimits.Default"/> when null.</param>
    public static PasswordVerification Verify(string storedHash, string password, string pepper, DjangoHashLimits? limits = null)
    {
        if (storedHash is null || password is null)
        {
            return PasswordVerification.Failed;
        }
        var info = Parse(storedHash, limits ?? DjangoHashLimits.Default, out var parsed);
        if (!info.IsVerifiable || parsed is null)
        {
            return PasswordVerification.Failed;
        }

        byte[]? secret = null;
        try
        {
            secret = PasswordBytes(password, pepper ?? "");
            return parsed.Matches(secret) ? PasswordVerification.SuccessRehashNeeded : PasswordVerification.Failed;
        }
        catch (EncoderFallbackException)
        {
            // A lone surrogate: Python's str.encode() raises on it too, so Django never hashed such a password.
            return PasswordVerification.Failed;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException
            or CryptographicException or BCrypt.Net.SaltParseException)
        {
            // Parsing admits only values the libraries accept; should one still refuse a value, the login fails
            // closed rather than with a server error.
            return PasswordVerification.Failed;
        }
        finally
        {
            if (secret is not null)
            {
                CryptographicOperations.ZeroMemory(secret);
            }
        }
    }

    /// <summary>UTF-8 of <c>password + pepper</c>, each encoded strictly (as Python's <c>str.encode()</c>).</summary>
    private static byte[] PasswordBytes(string password, string pepper)
    {
        var bytes = new byte[StrictUtf8.GetByteCount(password) + StrictUtf8.GetByteCount(pepper)];
        var written = StrictUtf8.GetBytes(password, bytes);
        StrictUtf8.GetBytes(pepper, bytes.AsSpan(written));
        return bytes;
    }

    // ---------------------------------------------------------------- parsing

    private static DjangoHashInfo Parse(string? storedHash, DjangoHashLimits limits, out ParsedHash? parsed)
    {
        parsed = null;
        var format = Identify(storedHash);
        if (format == DjangoHashFormat.Unknown || storedHash is null)
        {
            return new(format, DjangoHashStatus.Unknown, "not a Django password value");
        }
        if (format == DjangoHashFormat.Unusable)
        {
            return new(format, DjangoHashStatus.Unusable, "unusable password (set_unusable_password)");
        }
        if (storedHash.Length > limits.MaxEncodedLength)
        {
            return Malformed(format, $"longer than {limits.MaxEncodedLength} characters");
        }
        return format switch
        {
            DjangoHashFormat.Pbkdf2Sha256 => ParsePbkdf2(storedHash, format, HashAlgorithmName.SHA256, 32, limits, out parsed),
            DjangoHashFormat.Pbkdf2Sha1 => ParsePbkdf2(storedHash, format, HashAlgorithmName.SHA1, 20, limits, out parsed),
            DjangoHashFormat.Argon2 => ParseArgon2(storedHash, limits, out parsed),
            DjangoHashFormat.BcryptSha256 or DjangoHashFormat.Bcrypt => ParseBcrypt(storedHash, format, limits, out parsed),
            DjangoHashFormat.Scrypt => ParseScrypt(storedHash, limits, out parsed),
            DjangoHashFormat.Md5 or DjangoHashFormat.Sha1 => ParseSaltedDigest(storedHash, format, out parsed),
            DjangoHashFormat.UnsaltedMd5 or DjangoHashFormat.UnsaltedSha1 => ParseUnsaltedDigest(storedHash, format, out parsed),
            DjangoHashFormat.Crypt => new(format, DjangoHashStatus.Unsupported,
                "crypt(3) is not verified: DES crypt has no .NET implementation, truncates passwords to 8 characters, and Django removed it in 5.0"),
            _ => new(format, DjangoHashStatus.Unknown),
        };
    }

    private static DjangoHashInfo Malformed(DjangoHashFormat format, string reason) => new(format, DjangoHashStatus.Malformed, reason);

    private static DjangoHashInfo TooCostly(DjangoHashFormat format, string reason) => new(format, DjangoHashStatus.CostTooHigh, reason);

    private static DjangoHashInfo Ok(DjangoHashFormat format, ParsedHash hash, out ParsedHash? parsed)
    {
        parsed = hash;
        return new(format, DjangoHashStatus.Verifiable);
    }

    /// <summary><c>pbkdf2_sha256$iterations$salt$hash</c>: Django re-encodes and compares the whole string.</summary>
    private static DjangoHashInfo ParsePbkdf2(string s, DjangoHashFormat format, HashAlgorithmName algorithm, int length,
        DjangoHashLimits limits, out ParsedHash? parsed)
    {
        parsed = null;
        var parts = s.Split('$');
        if (parts.Length != 4 || !TryParseCanonical(parts[1], out var iterations) || parts[2].Length == 0 ||
            parts[3].Length != Base64Length(length))
        {
            return Malformed(format, "expected algorithm$iterations$salt$base64-hash");
        }
        if (iterations > limits.MaxPbkdf2Iterations)
        {
            return TooCostly(format, $"{iterations} iterations > {limits.MaxPbkdf2Iterations}");
        }
        return Ok(format, new Pbkdf2Hash(algorithm, (int)iterations, parts[2], length, parts[3]), out parsed);
    }

    /// <summary>
    /// <c>argon2$argon2id$v=19$m=…,t=…,p=…$salt$tag</c>, checked as argon2-cffi's C decoder checks it
    /// (unpadded canonical base64, salt ≥ 8 bytes, tag ≥ 4 bytes, m ≥ 8·p).
    /// </summary>
    private static DjangoHashInfo ParseArgon2(string s, DjangoHashLimits limits, out ParsedHash? parsed)
    {
        const DjangoHashFormat format = DjangoHashFormat.Argon2;
        parsed = null;
        var parts = s.Split('$');
        if (parts.Length == 5 && parts[1] is "argon2i" or "argon2d" or "argon2id")
        {
            return new(format, DjangoHashStatus.Unsupported, "Argon2 version 0x10 (no v= field) is not supported: only v=19");
        }
        if (parts.Length != 6)
        {
            return Malformed(format, "expected argon2$type$v=19$m=…,t=…,p=…$salt$hash");
        }
        int? type = parts[1] switch { "argon2d" => 0, "argon2i" => 1, "argon2id" => 2, _ => null };
        if (type is null)
        {
            return Malformed(format, "unknown Argon2 type");
        }
        if (parts[2] != "v=19")
        {
            return parts[2].StartsWith("v=", StringComparison.Ordinal)
                ? new(format, DjangoHashStatus.Unsupported, "only Argon2 version 19 (0x13) is supported")
                : Malformed(format, "expected v=19");
        }
        var cost = parts[3].Split(',');
        if (cost.Length != 3 ||
            !cost[0].StartsWith("m=", StringComparison.Ordinal) || !TryParseCanonical(cost[0][2..], out var m) ||
            !cost[1].StartsWith("t=", StringComparison.Ordinal) || !TryParseCanonical(cost[1][2..], out var t) ||
            !cost[2].StartsWith("p=", StringComparison.Ordinal) || !TryParseCanonical(cost[2][2..], out var p))
        {
            return Malformed(format, "expected m=…,t=…,p=…");
        }
        if (!TryFromUnpaddedBase64(parts[4], out var salt) || !TryFromUnpaddedBase64(parts[5], out var tag) ||
            salt.Length < 8 || tag.Length < 4 || tag.Length > 64 || m < 8 * p)
        {
            return Malformed(format, "salt, tag or memory outside Argon2's rules");
        }
        if (m > limits.MaxArgon2MemoryKiB || t > limits.MaxArgon2Iterations || p > limits.MaxArgon2Lanes ||
            m * t > limits.MaxArgon2WorkKiB)
        {
            return TooCostly(format, $"m={m},t={t},p={p} exceeds the limits (m ≤ {limits.MaxArgon2MemoryKiB}, " +
                $"t ≤ {limits.MaxArgon2Iterations}, p ≤ {limits.MaxArgon2Lanes}, m·t ≤ {limits.MaxArgon2WorkKiB})");
        }
        return Ok(format, new Argon2Hash(type.Value, (int)m, (int)t, (int)p, salt, tag), out parsed);
    }

    /// <summary><c>bcrypt$$2b$12$…</c> / <c>bcrypt_sha256$$2b$12$…</c>: a 60-character modular-crypt value.</summary>
    private static DjangoHashInfo ParseBcrypt(string s, DjangoHashFormat format, DjangoHashLimits limits, out ParsedHash? parsed)
    {
        parsed = null;
        var data = s[(s.IndexOf('$', StringComparison.Ordinal) + 1)..];
        // $2b$ (python-bcrypt's default), $2a$ (older), $2y$ (PHP's name for $2b$); python-bcrypt accepts all three.
        if (data.Length != 60 || !data.StartsWith("$2", StringComparison.Ordinal) || data[2] is not ('a' or 'b' or 'y') ||
            data[3] != '$' || !char.IsAsciiDigit(data[4]) || !char.IsAsciiDigit(data[5]) || data[6] != '$' ||
            data.AsSpan(7).ContainsAnyExcept(BcryptAlphabet))
        {
            return Malformed(format, "expected $2b$cost$ and 53 bcrypt-base64 characters");
        }
        var cost = (data[4] - '0') * 10 + (data[5] - '0');
        if (cost is < 4 or > 31)
        {
            return Malformed(format, "bcrypt cost outside 04..31");
        }
        if (cost > limits.MaxBcryptCost)
        {
            return TooCostly(format, $"bcrypt cost {cost} > {limits.MaxBcryptCost}");
        }
        return Ok(format, new BcryptHash(format == DjangoHashFormat.BcryptSha256, data), out parsed);
    }

    private static readonly System.Buffers.SearchValues<char> BcryptAlphabet =
        System.Buffers.SearchValues.Create("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    /// <summary>
    /// <c>scrypt$N$salt$r$p$base64(64 bytes)</c> (Django 4.0+'s ScryptPasswordHasher): N a power of two
    /// above 1 and below 2^(16·r) (RFC 7914), r ≥ 1, p ≥ 1.
    /// </summary>
    private static DjangoHashInfo ParseScrypt(string s, DjangoHashLimits limits, out ParsedHash? parsed)
    {
        const DjangoHashFormat format = DjangoHashFormat.Scrypt;
        parsed = null;
        var parts = s.Split('$');
        if (parts.Length != 6 || !TryParseCanonical(parts[1], out var n) || parts[2].Length == 0 ||
            !TryParseCanonical(parts[3], out var r) || !TryParseCanonical(parts[4], out var p) ||
            parts[5].Length != Base64Length(Scrypt.DjangoKeyLength))
        {
            return Malformed(format, "expected scrypt$N$salt$r$p$base64-hash");
        }
        if (n < 2 || (n & (n - 1)) != 0 || (16 * r < 63 && n >= 1L << (int)(16 * r)))
        {
            return Malformed(format, "N must be a power of two, 1 < N < 2^(16·r)");
        }
        // 128·N·r·p, computed without overflow: each factor is at most 2^32 here.
        var cost = (System.Numerics.BigInteger)128 * n * r * p;
        if (cost > limits.MaxScryptCostBytes)
        {
            return TooCostly(format, $"128·N·r·p = {cost} bytes > {limits.MaxScryptCostBytes}");
        }
        var memory = (System.Numerics.BigInteger)128 * r * (n + p + 2);
        if (memory > limits.MaxScryptMemoryBytes)
        {
            return TooCostly(format, $"128·r·(N + p + 2) = {memory} bytes > {limits.MaxScryptMemoryBytes}");
        }
        return Ok(format, new ScryptHash(parts[2], (int)n, (int)r, (int)p, parts[5]), out parsed);
    }

    /// <summary><c>md5$salt$hex</c> and <c>sha1$salt$hex</c>: digest of salt + password, lowercase hex.</summary>
    private static DjangoHashInfo ParseSaltedDigest(string s, DjangoHashFormat format, out ParsedHash? parsed)
    {
        parsed = null;
        var parts = s.Split('$');
        var hexLength = format == DjangoHashFormat.Md5 ? 32 : 40;
        if (parts.Length != 3 || parts[1].Length == 0 || parts[2].Length != hexLength || !IsLowerHex(parts[2]))
        {
            return Malformed(format, "expected algorithm$salt$lowercase-hex");
        }
        return Ok(format, new DigestHash(format == DjangoHashFormat.Md5, parts[1], parts[2]), out parsed);
    }

    /// <summary>Bare MD5 hex, <c>md5$$hex</c> or <c>sha1$$hex</c>.</summary>
    private static DjangoHashInfo ParseUnsaltedDigest(string s, DjangoHashFormat format, out ParsedHash? parsed)
    {
        parsed = null;
        var hex = format == DjangoHashFormat.UnsaltedMd5
            ? s.Length == 32 ? s : s.Length == 37 && s.StartsWith("md5$$", StringComparison.Ordinal) ? s[5..] : null
            : s.Length == 46 && s.StartsWith("sha1$$", StringComparison.Ordinal) ? s[6..] : null;
        if (hex is null || !IsLowerHex(hex))
        {
            // e.g. "unsalted_md5$…": Django routes it to the unsalted hasher, which can never match it.
            return Malformed(format, "expected 32 hex digits, md5$$hex or sha1$$hex");
        }
        return Ok(format, new DigestHash(format == DjangoHashFormat.UnsaltedMd5, "", hex), out parsed);
    }

    // ---------------------------------------------------------------- verification

    private abstract class ParsedHash
    {
        /// <param name="secret">UTF-8 of password + pepper.</param>
        public abstract bool Matches(byte[] secret);
    }

    private sealed class Pbkdf2Hash(HashAlgorithmName algorithm, int iterations, string salt, int length, string expected) : ParsedHash
    {
        public override bool Matches(byte[] secret)
        {
            var derived = Rfc2898DeriveBytes.Pbkdf2(secret, StrictUtf8.GetBytes(salt), iterations, algorithm, length);
            return EqualsAscii(Convert.ToBase64String(derived), expected);
        }
    }

    /// <summary>
    /// Django's Argon2 (argon2id since Django 3.2; argon2i and argon2d before) in AuthApp's own core, on the calling thread,
    /// in a workspace of exactly <c>m</c> KiB that is wiped when the hash is done (the bounds keep m at most 256 MiB).
    /// </summary>
    private sealed class Argon2Hash(int type, int memoryKiB, int iterations, int lanes, byte[] salt, byte[] expected) : ParsedHash
    {
        public override bool Matches(byte[] secret)
        {
            var tag = new byte[expected.Length];
            new Argon2idWorkspace(memoryKiB).Hash(secret, salt, secret: [], associatedData: [], lanes, memoryKiB, iterations, tag, type);
            var matches = CryptographicOperations.FixedTimeEquals(tag, expected);
            CryptographicOperations.ZeroMemory(tag);
            return matches;
        }
    }

    private sealed class BcryptHash(bool sha256First, string expected) : ParsedHash
    {
        public override bool Matches(byte[] secret)
        {
            string key;
            if (sha256First)
            {
                // Django: binascii.hexlify(hashlib.sha256(password).digest()), lowercase.
                key = Convert.ToHexStringLower(SHA256.HashData(secret));
            }
            else
            {
                if (secret.AsSpan().Contains((byte)0))
                {
                    return false; // python-bcrypt raises "password may not contain NUL bytes"
                }
                key = StrictUtf8.GetString(secret);
            }
            // HashPassword takes the cost and salt from the first 29 characters and re-encodes the whole value.
            var actual = BCrypt.Net.BCrypt.HashPassword(key, expected[..29]);
            return EqualsAscii(actual, expected);
        }
    }

    private sealed class ScryptHash(string salt, int n, int r, int p, string expected) : ParsedHash
    {
        public override bool Matches(byte[] secret)
        {
            var derived = Scrypt.DeriveKey(secret, StrictUtf8.GetBytes(salt), n, r, p, Scrypt.DjangoKeyLength);
            try
            {
                return EqualsAscii(Convert.ToBase64String(derived), expected);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(derived);
            }
        }
    }

    private sealed class DigestHash(bool md5, string salt, string expectedHex) : ParsedHash
    {
        public string Salt => salt;

        public string ExpectedHex => expectedHex;

        public override bool Matches(byte[] secret) => EqualsAscii(HexOf(secret), expectedHex);

        /// <summary>The lowercase hex digest of salt + secret, as Django's MD5 and SHA-1 hashers write it.</summary>
        public string HexOf(byte[] secret)
        {
            var saltBytes = StrictUtf8.GetBytes(salt);
            var input = new byte[saltBytes.Length + secret.Length];
            saltBytes.CopyTo(input, 0);
            secret.CopyTo(input, saltBytes.Length);
            try
            {
                return Convert.ToHexStringLower(md5 ? MD5.HashData(input) : SHA1.HashData(input));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(input);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Constant-time comparison of two ASCII strings (Django's <c>constant_time_compare</c> on the encodings).</summary>
    private static bool EqualsAscii(string actual, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actual), Encoding.ASCII.GetBytes(expected));

    /// <summary>Digits only, no sign, no leading zero, at most 10 digits: what Python's <c>"%d"</c> writes.</summary>
    private static bool TryParseCanonical(string text, out long value)
    {
        value = 0;
        if (text.Length is 0 or > 10 || (text[0] == '0') || text.AsSpan().ContainsAnyExcept(Digits))
        {
            return false;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= uint.MaxValue;
    }

    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private static bool IsLowerHex(string text) => !text.AsSpan().ContainsAnyExcept(LowerHex);

    private static int Base64Length(int bytes) => (bytes + 2) / 3 * 4;

    /// <summary>Standard base64 without padding, canonical (the unused low bits are zero), as the Argon2 PHC format.</summary>
    private static bool TryFromUnpaddedBase64(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || text.Length % 4 == 1 || text.Contains('=', StringComparison.Ordinal))
        {
            return false;
        }
        var padded = text + new string('=', (4 - text.Length % 4) % 4);
        var buffer = new byte[padded.Length / 4 * 3];
        if (!Convert.TryFromBase64String(padded, buffer, out var written))
        {
            return false;
        }
        var decoded = buffer[..written];
        if (Convert.ToBase64String(decoded).TrimEnd('=') != text)
        {
            return false; // whitespace or non-zero trailing bits: the reference decoder rejects both
        }
        bytes = decoded;
        return true;
    }
}
