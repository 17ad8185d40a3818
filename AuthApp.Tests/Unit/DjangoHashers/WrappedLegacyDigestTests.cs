using AuthApp.Data.Passwords;
using Microsoft.Extensions.Options;

namespace AuthApp.Tests.Unit.DjangoHashers;

/// <summary>
/// MD5 and SHA-1 digests are wrapped in Argon2id at import: the stored value holds no fast digest, the original password
/// (with the pepper) still logs in and asks for a re-hash, and a wrong password, a wrong pepper or a tampered wrapper fail.
/// </summary>
public sealed class WrappedLegacyDigestTests
{
    private const string Password = "correct horse battery staple";
    private const string Pepper = "pepper-for-wrapping";
    private static readonly PasswordHasher Hasher = new(Options.Create(new PasswordHashingOptions()),
        Options.Create(new DjangoPasswordOptions { Pepper = Pepper }));

    public static TheoryData<string> LegacyValues()
    {
        var secret = System.Text.Encoding.UTF8.GetBytes(Password + Pepper);
        string Hex(byte[] digest) => Convert.ToHexStringLower(digest);
        byte[] Salted(string salt) => [.. System.Text.Encoding.UTF8.GetBytes(salt), .. secret];
        return
        [
            $"md5$s4lt$" + Hex(System.Security.Cryptography.MD5.HashData(Salted("s4lt"))),
            $"sha1$s4lt$" + Hex(System.Security.Cryptography.SHA1.HashData(Salted("s4lt"))),
            Hex(System.Security.Cryptography.MD5.HashData(secret)),
            "md5$$" + Hex(System.Security.Cryptography.MD5.HashData(secret)),
            "sha1$$" + Hex(System.Security.Cryptography.SHA1.HashData(secret)),
        ];
    }

    [Theory]
    [MemberData(nameof(LegacyValues))]
    public void A_wrapped_digest_logs_in_with_the_original_password_only_and_holds_no_fast_digest(string legacy)
    {
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, Hasher.Verify(legacy, Password)); // the value is right

        var wrapped = DjangoPasswordVerifier.WrapLegacyDigest(legacy, Hasher.Hash);

        Assert.NotNull(wrapped);
        Assert.StartsWith(DjangoPasswordVerifier.WrappedPrefix, wrapped);
        Assert.DoesNotContain(legacy.Split('$')[^1], wrapped);
        Assert.Contains("$argon2id$v=19$m=19456,t=2,p=1$", wrapped);
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, Hasher.Verify(wrapped, Password));
        Assert.Equal(PasswordVerification.Failed, Hasher.Verify(wrapped, Password + "x"));
        Assert.Equal(PasswordVerification.Failed,
            new PasswordHasher(Options.Create(new PasswordHashingOptions())).Verify(wrapped, Password)); // no pepper
    }

    [Fact]
    public void Only_legacy_digests_are_wrapped_and_a_tampered_wrapper_fails()
    {
        Assert.Null(DjangoPasswordVerifier.WrapLegacyDigest(DjangoFixture.ByHasher("pbkdf2_sha256_260k").StoredHash, Hasher.Hash));
        Assert.Null(DjangoPasswordVerifier.WrapLegacyDigest("!unusable", Hasher.Hash));

        var salted = "md5$s4lt$" + Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(
            System.Text.Encoding.UTF8.GetBytes("s4lt" + Password + Pepper)));
        var wrapped = DjangoPasswordVerifier.WrapLegacyDigest(salted, Hasher.Hash)!;
        foreach (var tampered in new[]
        {
            wrapped.Replace("$md5$", "$sha1$"), // another format
            wrapped.Replace("$s4lt$", "$s5lt$"), // another salt
            wrapped.Replace("$md5$s4lt$", "$unsalted_md5$s4lt$"), // unsalted with a salt
            wrapped.Replace("m=19456,t=2", "m=1048576,t=20"), // beyond the Argon2id bounds
            DjangoPasswordVerifier.WrappedPrefix + "md5$s4lt", // nothing wrapped
        })
        {
            Assert.Equal(PasswordVerification.Failed, Hasher.Verify(tampered, Password));
        }
    }

    [Fact]
    public void The_fixtures_md5_user_is_wrapped_and_logs_in_with_the_original_pepper()
    {
        var user = DjangoFixture.ByHasher("md5");
        var hasher = new PasswordHasher(Options.Create(new PasswordHashingOptions()),
            Options.Create(new DjangoPasswordOptions { Pepper = DjangoFixture.Pepper }));
        var wrapped = DjangoPasswordVerifier.WrapLegacyDigest(user.StoredHash, hasher.Hash)!;
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, hasher.Verify(wrapped, user.Password!));
    }
}
