using System.Text;
using AuthApp.Api.Common;
using AuthApp.Data;
using AuthApp.Api.Tokens;
using AuthApp.Api.Tokens.Keys;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthApp.Tests.Unit;

public sealed class TokenServiceTests
{
    private const string Key = "unit-test-signing-key-0123456789abcdef0123456789";
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private readonly ManualClock _clock = new(Start);
    private readonly TokenService _tokens;
    private readonly User _user = new()
    {
        Id = Guid.NewGuid(),
        Username = "alice",
        NormalizedUsername = "alice",
        Email = "a@example.com",
        NormalizedEmail = "a@example.com",
        PasswordHash = "x",
        IsStaff = true,
    };

    public TokenServiceTests()
    {
        var options = Options.Create(new JwtOptions { SigningKey = Key, Issuer = TestSecrets.Issuer });
        _tokens = new TokenService(options, new SharedSecretSigner(options), _clock, new ApiTelemetry(new TestMeterFactory()));
    }

    [Fact]
    public async Task An_issued_pair_carries_the_contract_claims()
    {
        var sid = Guid.NewGuid();
        var pair = _tokens.IssuePair(_user, sid, Start.AddDays(30), _clock.GetUtcNow());
        var access = new JsonWebToken(pair.AccessToken);
        Assert.Equal("HS256", access.Alg);
        Assert.Equal(_user.Id.ToString(), access.GetClaim("sub").Value);
        Assert.Equal(_user.Id.ToString(), access.GetClaim("user_id").Value);
        Assert.Equal("access", access.GetClaim("token_type").Value);
        Assert.Equal(sid.ToString(), access.GetClaim("sid").Value);
        Assert.Equal("alice", access.GetClaim("username").Value);
        Assert.Equal("staff", access.GetClaim("role").Value);
        Assert.Equal(Start.AddMinutes(15).UtcDateTime, access.ValidTo);

        var (claims, error) = await _tokens.ReadRefreshTokenAsync(pair.RefreshToken);
        Assert.Equal(TokenReadError.None, error);
        Assert.Equal(new TokenIdentifiers(pair.RefreshJti, sid, _user.Id), claims);
    }

    [Fact]
    public async Task Refresh_tokens_expire_after_seven_days_with_thirty_seconds_of_skew()
    {
        var pair = _tokens.IssuePair(_user, Guid.NewGuid(), Start.AddDays(30), _clock.GetUtcNow());
        _clock.Now = Start.AddDays(7).AddSeconds(20);
        Assert.Equal(TokenReadError.None, (await _tokens.ReadRefreshTokenAsync(pair.RefreshToken)).Error);
        _clock.Now = Start.AddDays(7).AddSeconds(31);
        Assert.Equal(TokenReadError.Expired, (await _tokens.ReadRefreshTokenAsync(pair.RefreshToken)).Error);
    }

    [Fact]
    public async Task A_token_read_once_still_expires_on_time_when_read_again()
    {
        var pair = _tokens.IssuePair(_user, Guid.NewGuid(), Start.AddDays(30), _clock.GetUtcNow());
        Assert.NotNull(await _tokens.ReadAnyTokenAsync(pair.AccessToken));
        _clock.Now = Start.AddMinutes(15).AddSeconds(29);
        Assert.NotNull(await _tokens.ReadAnyTokenAsync(pair.AccessToken)); // within the 30 s of skew
        _clock.Now = Start.AddMinutes(15).AddSeconds(31);
        Assert.Null(await _tokens.ReadAnyTokenAsync(pair.AccessToken));
        Assert.Null(await _tokens.ReadAnyTokenAsync(pair.AccessToken[..^2] + "AA")); // a forged signature is checked, not recalled
    }

    [Fact]
    public void Tokens_never_outlive_their_session()
    {
        var pair = _tokens.IssuePair(_user, Guid.NewGuid(), Start.AddMinutes(5), _clock.GetUtcNow());
        Assert.Equal(Start.AddMinutes(5), pair.AccessExpiresAt);
        Assert.Equal(Start.AddMinutes(5), pair.RefreshExpiresAt);
    }

    [Fact]
    public async Task An_access_token_is_not_a_refresh_token()
    {
        var pair = _tokens.IssuePair(_user, Guid.NewGuid(), Start.AddDays(30), _clock.GetUtcNow());
        Assert.Equal(TokenReadError.Malformed, (await _tokens.ReadRefreshTokenAsync(pair.AccessToken)).Error);
    }

    [Fact]
    public async Task A_token_issued_in_the_future_is_refused()
    {
        _clock.Now = Start.AddMinutes(10);
        var pair = _tokens.IssuePair(_user, Guid.NewGuid(), Start.AddDays(30), _clock.GetUtcNow());
        _clock.Now = Start;
        Assert.Equal(TokenReadError.Malformed, (await _tokens.ReadRefreshTokenAsync(pair.RefreshToken)).Error);
    }

    [Fact]
    public async Task Tampered_unsigned_and_other_algorithm_tokens_are_refused()
    {
        var pair = _tokens.IssuePair(_user, Guid.NewGuid(), Start.AddDays(30), _clock.GetUtcNow());
        var parts = pair.RefreshToken.Split('.');

        var tamperedSignature = $"{parts[0]}.{parts[1]}.{parts[2][..^2]}AA";
        var noneHeader = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        var unsigned = $"{noneHeader}.{parts[1]}.";
        var hs512 = new JsonWebTokenHandler().CreateToken(new JsonWebToken(pair.RefreshToken).EncodedPayload is var payload
            ? Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(payload))
            : "", new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key + Key)), SecurityAlgorithms.HmacSha512));

        foreach (var forged in new[] { tamperedSignature, unsigned, hs512, "not.a.jwt", "" })
        {
            Assert.Equal(TokenReadError.Malformed, (await _tokens.ReadRefreshTokenAsync(forged)).Error);
        }
    }

    [Theory]
    [InlineData("", "Jwt:SigningKey is not set")]
    [InlineData("too-short-key", "HS256 needs at least 32 bytes")]
    public void A_missing_or_short_signing_key_stops_start_up_with_a_clear_message(string key, string message)
    {
        var result = new JwtOptionsValidator().Validate(null, new JwtOptions { SigningKey = key });
        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage);
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}

public sealed class KeyRotationScheduleTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(29, false)]
    [InlineData(30, true)]
    [InlineData(45, true)]
    public void A_key_is_replaced_once_it_reaches_the_rotation_interval(int ageInDays, bool due) =>
        Assert.Equal(due, KeyRotationSchedule.IsDue(Created, Created.AddDays(ageInDays), TimeSpan.FromDays(30)));

    private static AuthApp.Data.SigningKey Key(string kid, int createdDay, int? retiredDay = null) => new()
    {
        Kid = kid, Algorithm = "ES256", PublicKey = [], EncryptedPrivateKey = [],
        CreatedAt = Created.AddDays(createdDay), RetiredAt = retiredDay is { } r ? Created.AddDays(r) : null,
    };

    [Theory]
    [InlineData(28, "current")] // the next key was published today: it waits out its two-day lead
    [InlineData(29, "current")]
    [InlineData(30, "next")] // published two days ago: it signs
    public void A_published_key_signs_only_once_its_lead_has_passed(int today, string signer)
    {
        SigningKey[] keys = [Key("old", -30, 0), Key("current", 0), Key("next", 28)];
        Assert.Equal(signer, KeyRotationSchedule.SelectSigner(keys, Created.AddDays(today), TimeSpan.FromDays(2))!.Kid);
    }

    [Fact]
    public void A_first_key_or_one_staff_just_made_signs_at_once()
    {
        Assert.Equal("fresh", KeyRotationSchedule.SelectSigner([Key("fresh", 0)], Created, TimeSpan.FromDays(2))!.Kid);
        Assert.Equal("replacement", KeyRotationSchedule.SelectSigner([Key("retired", -10, 0), Key("replacement", 0)], Created,
            TimeSpan.FromDays(2))!.Kid);
        Assert.Null(KeyRotationSchedule.SelectSigner([Key("retired", -10, 0)], Created, TimeSpan.FromDays(2)));
    }
}

public sealed class PrivateKeyProtectorTests
{
    [Fact]
    public void Private_keys_round_trip_through_the_protector_bound_to_their_kid_algorithm_and_dates()
    {
        var protector = new PrivateKeyProtector(Options.Create(new JwtOptions { SigningKey = "unit-test-signing-key-0123456789abcdef0123456789" }));
        using var ec = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var pkcs8 = ec.ExportPkcs8PrivateKey();
        var created = new DateTimeOffset(2026, 12, 6, 4, 0, 0, TimeSpan.Zero);
        SigningKey Key(string kid = "kid-1", string algorithm = "ES256", DateTimeOffset? retired = null, byte[]? sealedKey = null) => new()
        {
            Kid = kid, Algorithm = algorithm, PublicKey = [], EncryptedPrivateKey = sealedKey ?? [], CreatedAt = created, RetiredAt = retired,
        };

        var sealedKey = protector.Protect(Key(), pkcs8);
        Assert.False(sealedKey.AsSpan().IndexOf(pkcs8.AsSpan(^32)) >= 0, "the private scalar is not stored in clear");
        Assert.Equal(pkcs8, protector.Unprotect(Key(sealedKey: sealedKey), out var legacy));
        Assert.False(legacy);
        foreach (var altered in new[]
        {
            Key("kid-2", sealedKey: sealedKey), Key(algorithm: "RS256", sealedKey: sealedKey),
            Key(retired: created.AddDays(30), sealedKey: sealedKey),
        })
        {
            Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => protector.Unprotect(altered, out _));
        }
        var olderCreation = Key(sealedKey: sealedKey);
        olderCreation.CreatedAt = created.AddDays(-1);
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => protector.Unprotect(olderCreation, out _));

        var otherSecret = new PrivateKeyProtector(Options.Create(new JwtOptions { SigningKey = "another-deployment-secret-0123456789abcdef012345" }));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => otherSecret.Unprotect(Key(sealedKey: sealedKey), out _));

        // A row sealed before the dates were bound (the kid alone) still opens, flagged for sealing again.
        var options = new JwtOptions { SigningKey = "unit-test-signing-key-0123456789abcdef0123456789" };
        var kek = AuthApp.Api.Common.SealedBox.DeriveKey(options.SigningKeyBytes, "authapp signing-key encryption v1");
        var legacySealed = AuthApp.Api.Common.SealedBox.Seal(kek, pkcs8, System.Text.Encoding.UTF8.GetBytes("kid-1"));
        Assert.Equal(pkcs8, protector.Unprotect(Key(sealedKey: legacySealed), out var wasLegacy));
        Assert.True(wasLegacy);
    }
}
