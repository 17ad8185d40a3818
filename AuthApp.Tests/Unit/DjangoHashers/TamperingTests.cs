using AuthApp.Data.Passwords;

namespace AuthApp.Tests.Unit.DjangoHashers;

/// <summary>
/// A stored value changed anywhere (parameters, salt, hash, algorithm name, encoding) no longer verifies the
/// right password, and never throws. Built from the cheap Django-made vectors; the originals verify (checked in
/// <see cref="DjangoVectorTests"/>), so each failure here is the tampering's doing.
/// </summary>
public sealed class TamperingTests
{
    private static DjangoVector V(string name) => DjangoVectors.All.Single(v => v.Name == name);

    /// <summary>Replaces the character at <paramref name="index"/> with another one of the same alphabet.</summary>
    private static string Flip(string s, int index)
    {
        var c = s[index];
        var replacement = char.IsAsciiHexDigitLower(c) && !char.IsAsciiLetterUpper(c) ? (c == '0' ? '1' : '0') : (c == 'A' ? 'B' : 'A');
        return string.Concat(s.AsSpan(0, index), replacement.ToString(), s.AsSpan(index + 1));
    }

    private static int AfterLast(string s, char c) => s.LastIndexOf(c) + 1;

    private static int SaltStart(string s, int dollarsBefore)
    {
        var index = -1;
        for (var i = 0; i < dollarsBefore; i++)
        {
            index = s.IndexOf('$', index + 1);
        }
        return index + 1;
    }

    public static TheoryData<string, string> Tampered()
    {
        var data = new TheoryData<string, string>();
        void Add(string vectorName, Func<string, string> tamper) => data.Add(vectorName, tamper(V(vectorName).Encoded));

        const string pbkdf2 = "pbkdf2_sha256 1000";
        Add(pbkdf2, s => s.Replace("$1000$", "$1001$"));
        Add(pbkdf2, s => s.Replace("$1000$", "$999$"));
        Add(pbkdf2, s => s.Replace("$1000$", "$01000$"));
        Add(pbkdf2, s => s.Replace("$1000$", "$+1000$"));
        Add(pbkdf2, s => s.Replace("$1000$", "$ 1000$"));
        Add(pbkdf2, s => Flip(s, SaltStart(s, 2)));
        Add(pbkdf2, s => Flip(s, AfterLast(s, '$')));
        Add(pbkdf2, s => Flip(s, s.Length - 3));
        Add(pbkdf2, s => s.TrimEnd('='));
        Add(pbkdf2, s => s + "=");
        Add(pbkdf2, s => s + " ");
        Add(pbkdf2, s => s[..^4]);
        Add(pbkdf2, s => s.Replace("pbkdf2_sha256$", "pbkdf2_sha1$"));
        Add(pbkdf2, s => s.Replace("pbkdf2_sha256$", "PBKDF2_SHA256$"));
        Add(pbkdf2, s => s.Replace("$", "$$"));

        const string sha1 = "pbkdf2_sha1 1000";
        Add(sha1, s => s.Replace("pbkdf2_sha1$", "pbkdf2_sha256$"));
        Add(sha1, s => Flip(s, AfterLast(s, '$') + 5));
        Add(sha1, s => s.Replace("$1000$", "$100$"));

        const string argon2 = "argon2id t=1 m=1024 p=8";
        Add(argon2, s => s.Replace("m=1024", "m=1032"));
        Add(argon2, s => s.Replace("t=1", "t=2"));
        Add(argon2, s => s.Replace("p=8", "p=4"));
        Add(argon2, s => s.Replace("$argon2id$", "$argon2i$"));
        Add(argon2, s => s.Replace("$argon2id$", "$argon2d$"));
        Add(argon2, s => s.Replace("$v=19$", "$v=16$"));
        Add(argon2, s => s.Replace("$v=19$", "$"));
        Add(argon2, s => s.Replace("m=1024,t=1,p=8", "t=1,m=1024,p=8"));
        Add(argon2, s => Flip(s, SaltStart(s, 4)));
        Add(argon2, s => Flip(s, AfterLast(s, '$')));
        Add(argon2, s => s[..^4]);          // a shorter tag: still ≥ 4 bytes, computed at that length, different
        Add(argon2, s => s + "==");
        Add(argon2, s => s.Replace("argon2$", "argon2$$"));

        const string bcrypt = "bcrypt cost 4";
        Add(bcrypt, s => s.Replace("$04$", "$05$"));
        Add(bcrypt, s => Flip(s, SaltStart(s, 4)));
        Add(bcrypt, s => Flip(s, s.Length - 5));
        Add(bcrypt, s => s.Replace("bcrypt$", "bcrypt_sha256$"));
        Add(bcrypt, s => s.Replace("$2b$", "$2x$"));
        Add(bcrypt, s => s[..^1]);

        const string bcryptSha256 = "bcrypt_sha256 cost 4";
        Add(bcryptSha256, s => s.Replace("bcrypt_sha256$", "bcrypt$"));
        Add(bcryptSha256, s => Flip(s, s.Length - 5));
        Add(bcryptSha256, s => s.Replace("$04$", "$4$"));

        const string scrypt = "scrypt n=1024 r=8 p=2";
        Add(scrypt, s => s.Replace("scrypt$1024$", "scrypt$2048$"));
        Add(scrypt, s => s.Replace("$8$2$", "$4$2$"));
        Add(scrypt, s => s.Replace("$8$2$", "$8$1$"));
        Add(scrypt, s => Flip(s, SaltStart(s, 2)));
        Add(scrypt, s => Flip(s, AfterLast(s, '$')));
        Add(scrypt, s => s.TrimEnd('='));

        Add("md5", s => Flip(s, SaltStart(s, 1)));
        Add("md5", s => Flip(s, AfterLast(s, '$')));
        Add("md5", s => s.ToUpperInvariant().Replace("MD5$", "md5$"));
        Add("md5", s => s.Replace("md5$", "sha1$"));
        Add("sha1", s => Flip(s, AfterLast(s, '$') + 3));
        Add("unsalted_md5 (bare hex)", s => Flip(s, 0));
        Add("unsalted_md5 (bare hex)", s => s.ToUpperInvariant());
        Add("unsalted_md5 (md5$$ prefix)", s => Flip(s, 10));
        Add("unsalted_sha1", s => Flip(s, 10));
        Add("unsalted_sha1", s => "unsalted_sha1$" + s[6..]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Tampered))]
    public void A_tampered_value_fails_for_the_right_password(string vectorName, string tampered)
    {
        var vector = V(vectorName);
        Assert.NotEqual(vector.Encoded, tampered);
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(tampered, vector.Password, vector.Pepper));
    }

    [Fact]
    public void The_fixtures_expensive_hashes_fail_once_tampered()
    {
        // One tampering per expensive fixture format, on the real rows (one computation each).
        var pepper = DjangoFixture.Pepper;
        var pbkdf2 = DjangoFixture.ByHasher("pbkdf2_sha256_1m");
        Assert.Equal(PasswordVerification.Failed,
            DjangoPasswordVerifier.Verify(pbkdf2.StoredHash.Replace("$1000000$", "$999999$"), pbkdf2.Password!, pepper));
        var argon2 = DjangoFixture.ByHasher("argon2");
        Assert.Equal(PasswordVerification.Failed,
            DjangoPasswordVerifier.Verify(argon2.StoredHash.Replace("m=102400", "m=102408"), argon2.Password!, pepper));
        var bcrypt = DjangoFixture.ByHasher("bcrypt_sha256");
        Assert.Equal(PasswordVerification.Failed,
            DjangoPasswordVerifier.Verify(Flip(bcrypt.StoredHash, bcrypt.StoredHash.Length - 2), bcrypt.Password!, pepper));
    }

    [Fact]
    public void The_2a_2b_and_2y_names_of_bcrypt_compute_the_same_and_are_compared_whole()
    {
        // python-bcrypt computes $2a$, $2b$ and $2y$ alike and returns the prefix it was given, so Django accepts
        // a stored $2a$ value re-labelled $2b$ when the checksum is right: the password is still required.
        var vector = V("bcrypt cost 4");
        var relabelled = vector.Encoded.Replace("$2b$", "$2a$");
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, DjangoPasswordVerifier.Verify(relabelled, vector.Password, vector.Pepper));
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(relabelled, vector.Password + "!", vector.Pepper));
    }

    [Fact]
    public void A_nul_byte_in_a_plain_bcrypt_password_is_refused_before_hashing()
    {
        // python-bcrypt raises "password may not contain NUL bytes", so no Django row can hold such a password;
        // BCrypt.Net would hash it. A value made by BCrypt.Net from a NUL-bearing password does not verify here.
        var made = "bcrypt$" + BCrypt.Net.BCrypt.HashPassword("a\0b", BCrypt.Net.BCrypt.GenerateSalt(4));
        Assert.True(BCrypt.Net.BCrypt.Verify("a\0b", made["bcrypt$".Length..]));
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(made, "a\0b", ""));
    }
}

/// <summary>Random single-character corruptions of every Django-made value: never an exception, whatever the result.</summary>
public sealed class CorruptionTests
{
    // Tight bounds, so that a corruption that raises a cost (04 → 14 for bcrypt) stays cheap in this test.
    private static readonly DjangoHashLimits Cheap = DjangoHashLimits.Default with
    {
        MaxPbkdf2Iterations = 20_000,
        MaxBcryptCost = 6,
        MaxArgon2MemoryKiB = 16_384,
        MaxScryptCostBytes = 4L * 1024 * 1024,
    };

    public static TheoryData<DjangoVector> Vectors() => [.. DjangoVectors.All];

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Random_corruptions_never_throw(DjangoVector vector)
    {
        const string alphabet = "$=+/.,!0123456789abcdefxyzABCXYZ \u00e9\ud800";
        var random = new Random(vector.Name.Length * 7919);
        for (var i = 0; i < 40; i++)
        {
            var chars = vector.Encoded.ToCharArray();
            chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            var corrupted = new string(chars);
            var result = DjangoPasswordVerifier.Verify(corrupted, vector.Password, vector.Pepper, Cheap);
            Assert.True(Enum.IsDefined(result));
            _ = DjangoPasswordVerifier.Inspect(corrupted);
            Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(corrupted[..(random.Next(corrupted.Length))], vector.Password, vector.Pepper, Cheap));
        }
    }
}
