using AuthApp.Data.Passwords;

namespace AuthApp.Tests.Unit.DjangoHashers;

/// <summary>Values made by Django's own hashers (see <see cref="DjangoVectors"/>), cheap enough to run every time.</summary>
public sealed class DjangoVectorTests
{
    public static TheoryData<DjangoVector> Verifiable() => [.. DjangoVectors.All.Where(v => !v.Refused)];

    public static TheoryData<DjangoVector> Refused() => [.. DjangoVectors.All.Where(v => v.Refused)];

    private const string EmptyArgon2 = "argon2id empty password, no pepper";

    [Theory]
    [MemberData(nameof(Verifiable))]
    public void Django_made_values_verify_with_the_password_and_pepper(DjangoVector vector)
    {
        Assert.True(DjangoPasswordVerifier.Inspect(vector.Encoded).IsVerifiable);
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, DjangoPasswordVerifier.Verify(vector.Encoded, vector.Password, vector.Pepper));
    }

    [Theory]
    [MemberData(nameof(Verifiable))]
    public void Django_made_values_reject_a_wrong_password_and_a_wrong_or_missing_pepper(DjangoVector vector)
    {
        // Changed at the front: plain bcrypt ignores whatever follows the first 72 bytes (see below).
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(vector.Encoded, "!" + vector.Password, vector.Pepper));
        if (vector.Password.Length > 0)
        {
            Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(vector.Encoded, "", vector.Pepper));
            Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(vector.Encoded, "!" + vector.Password[1..], vector.Pepper));
        }
        if (vector.PepperMatters)
        {
            Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(vector.Encoded, vector.Password, ""));
            Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(vector.Encoded, vector.Password, vector.Pepper.ToUpperInvariant()));
            Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(vector.Encoded, vector.Password, vector.Pepper + "?"));
        }
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void Crypt_and_unusable_values_fail_closed_even_with_the_right_password(DjangoVector vector)
    {
        Assert.True(DjangoPasswordVerifier.IsDjangoFormat(vector.Encoded));
        Assert.Contains(DjangoPasswordVerifier.Inspect(vector.Encoded).Status, new[] { DjangoHashStatus.Unsupported, DjangoHashStatus.Unusable });
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(vector.Encoded, vector.Password, vector.Pepper));
    }

    [Fact]
    public void Every_supported_format_is_covered_by_a_Django_made_value()
    {
        var covered = DjangoVectors.All.Where(v => !v.Refused).Select(v => DjangoPasswordVerifier.Identify(v.Encoded)).ToHashSet();
        covered.UnionWith(DjangoFixture.Users.Select(u => DjangoPasswordVerifier.Identify(u.StoredHash)));
        var supported = Enum.GetValues<DjangoHashFormat>().Except([DjangoHashFormat.Unknown, DjangoHashFormat.Unusable, DjangoHashFormat.Crypt]);
        Assert.Empty(supported.Except(covered));
    }

    [Fact]
    public void Plain_bcrypt_ignores_bytes_past_72_as_Django_did_so_the_pepper_of_a_long_password_is_lost()
    {
        // Django's BCryptPasswordHasher passes the password straight to bcrypt, which reads 72 bytes: the
        // original service accepted any suffix after 72 bytes, pepper included. bcrypt_sha256 does not.
        var vector = DjangoVectors.All.Single(v => v.Name.StartsWith("bcrypt long (80 chars)", StringComparison.Ordinal));
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, DjangoPasswordVerifier.Verify(vector.Encoded, new string('B', 72) + "anything", ""));
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(vector.Encoded, new string('B', 71), ""));

        var sha256 = DjangoVectors.All.Single(v => v.Name == "bcrypt_sha256 long (100 chars)");
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(sha256.Encoded, sha256.Password[..72], "anything"));
    }

    [Fact]
    public void An_empty_password_with_an_empty_pepper_verifies_as_django_wrote_it()
    {
        var pbkdf2 = DjangoVectors.All.Single(v => v.Name == "pbkdf2_sha256 empty password, no pepper");
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, DjangoPasswordVerifier.Verify(pbkdf2.Encoded, "", ""));

        // Django's argon2id goes through AuthApp's own core, which (unlike Konscious) takes an empty input.
        var argon2 = DjangoVectors.All.Single(v => v.Name == EmptyArgon2);
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, DjangoPasswordVerifier.Verify(argon2.Encoded, "", ""));
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(argon2.Encoded, "x", ""));
    }

    [Fact]
    public void Passwords_are_compared_as_typed_without_unicode_normalization()
    {
        // Django hashes password.encode() as is: NFD "a\u0308" is not NFC "ä".
        var vector = DjangoVectors.All.Single(v => v.Name == "md5 non-ASCII");
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, DjangoPasswordVerifier.Verify(vector.Encoded, vector.Password, vector.Pepper));
        var decomposed = vector.Password.Normalize(System.Text.NormalizationForm.FormD);
        Assert.NotEqual(vector.Password, decomposed);
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(vector.Encoded, decomposed, vector.Pepper));
    }

    [Fact]
    public void A_password_with_a_lone_surrogate_fails_without_throwing()
    {
        var vector = DjangoVectors.All.Single(v => v.Name == "md5");
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(vector.Encoded, vector.Password + "\ud800", vector.Pepper));
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(vector.Encoded, vector.Password, vector.Pepper + "\udc00"));
    }

    [Fact]
    public void A_nul_byte_never_matches_plain_bcrypt()
    {
        // python-bcrypt raises on NUL; BCrypt.Net would hash it. Refused before hashing.
        var vector = DjangoVectors.All.Single(v => v.Name == "bcrypt cost 4");
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(vector.Encoded, vector.Password + "\0", vector.Pepper));
    }
}
