using AuthApp.Data.Passwords;

namespace AuthApp.Tests.Unit.DjangoHashers;

/// <summary>
/// Every named user of the original service's table (Fixtures/Django), whose hashes Django wrote from
/// password + PASSWORD_PEPPER: the right password with the pepper logs in (and asks for a re-hash); a wrong
/// password, no pepper or another pepper does not. These are the expensive tests (PBKDF2 at 1,000,000 and
/// 260,000 iterations, Argon2 at 100 MiB × 8 lanes, bcrypt cost 12): four verifications per user, no more.
/// </summary>
public sealed class FixtureTests
{
    private const string Pbkdf2Sha256 = "pbkdf2_sha256";

    public static TheoryData<string> UsablePasswordUsers() =>
        [.. DjangoFixture.Users.Where(u => u.Password is not null).Select(u => u.Hasher)];

    [Fact]
    public void The_fixture_has_the_seventeen_named_users_and_every_format_its_readme_lists()
    {
        Assert.Equal(17, DjangoFixture.Users.Count);
        Assert.Equal(
            ["!", "argon2", "bcrypt", "bcrypt_sha256", "md5", "pbkdf2_sha1", Pbkdf2Sha256],
            DjangoFixture.Users.Select(u => u.StoredPrefix).Distinct().Order(StringComparer.Ordinal));
        foreach (var user in DjangoFixture.Users)
        {
            // The stored value really has the prefix the JSON announces, and is recognized as that format.
            Assert.StartsWith(user.StoredPrefix, user.StoredHash, StringComparison.Ordinal);
            Assert.True(DjangoPasswordVerifier.IsDjangoFormat(user.StoredHash), user.Hasher);
            var expected = user.StoredPrefix == "!" ? DjangoHashStatus.Unusable : DjangoHashStatus.Verifiable;
            Assert.Equal(expected, DjangoPasswordVerifier.Inspect(user.StoredHash).Status);
        }
        Assert.Contains(DjangoFixture.Users, u => u.StoredHash.StartsWith("pbkdf2_sha256$1000000$", StringComparison.Ordinal));
        Assert.Contains(DjangoFixture.Users, u => u.StoredHash.StartsWith("argon2$argon2id$v=19$m=102400,t=2,p=8$", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(UsablePasswordUsers))]
    public void Each_named_user_logs_in_with_password_and_pepper_and_only_so(string hasher)
    {
        var user = DjangoFixture.ByHasher(hasher);
        var password = user.Password!;
        var pepper = DjangoFixture.Pepper;

        Assert.Equal(PasswordVerification.SuccessRehashNeeded, DjangoPasswordVerifier.Verify(user.StoredHash, password, pepper));
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(user.StoredHash, password + "x", pepper));
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(user.StoredHash, password, ""));
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(user.StoredHash, password, pepper[..^1] + "X"));
    }

    [Fact]
    public void The_unusable_password_never_logs_in()
    {
        var user = DjangoFixture.ByHasher("unusable");
        Assert.Null(user.Password);
        Assert.Equal(DjangoHashFormat.Unusable, DjangoPasswordVerifier.Identify(user.StoredHash));
        foreach (var attempt in new[] { "", user.StoredHash, user.StoredHash[1..], DjangoFixture.Pepper, "Fixture-iw9kAz7RTalu" })
        {
            Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(user.StoredHash, attempt, DjangoFixture.Pepper));
            Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(user.StoredHash, attempt, ""));
        }
    }

    [Fact]
    public void The_twenty_thousand_bulk_users_share_one_hash_that_verifies_with_the_pepper()
    {
        Assert.Equal(20_000, DjangoFixture.BulkHashes.Count);
        var hash = Assert.Single(DjangoFixture.BulkHashes.Distinct());
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, DjangoPasswordVerifier.Verify(hash, DjangoFixture.BulkPassword, DjangoFixture.Pepper));
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(hash, DjangoFixture.BulkPassword, ""));
    }

    [Fact]
    public void A_pepper_is_appended_not_prepended()
    {
        // The cheapest fixture user (salted MD5) shows the order: password + pepper, not pepper + password.
        var user = DjangoFixture.ByHasher("md5");
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, DjangoPasswordVerifier.Verify(user.StoredHash, user.Password!, DjangoFixture.Pepper));
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, DjangoPasswordVerifier.Verify(user.StoredHash, user.Password! + DjangoFixture.Pepper, ""));
        Assert.Equal(PasswordVerification.Failed, DjangoPasswordVerifier.Verify(user.StoredHash, DjangoFixture.Pepper + user.Password!, ""));
    }
}
