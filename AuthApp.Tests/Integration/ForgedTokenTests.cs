using Xunit.Abstractions;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthApp.Tests.Integration;

/// <summary>Every class of forged or misused access token gets a 401 problem that tells an attacker nothing useful.</summary>
[Collection(AppHostCollection.Name)]
public sealed class ForgedTokenTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    private async Task<(TestUser User, Dictionary<string, object> Claims)> ValidClaimsAsync()
    {
        var user = await Api.RegisterAndLoginAsync();
        return (user, TestTokens.ClaimsOf(user.AccessToken));
    }

    private async Task AssertRejectedAsync(string token, string code = "token_invalid")
    {
        using var response = await Api.GetAsync("/api/v1/user/me", token);
        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized, code);
        var text = problem.ToString();
        Assert.DoesNotContain("IDX", text);          // no IdentityModel diagnostics
        Assert.DoesNotContain("signature", text, StringComparison.OrdinalIgnoreCase);
    }

    private static string Segment(string json) => Base64UrlEncoder.Encode(json);

    [Fact]
    public async Task The_untouched_token_is_accepted()
    {
        var (user, _) = await ValidClaimsAsync();
        using var response = await Api.GetAsync("/api/v1/user/me", user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Alg_none_is_rejected()
    {
        var (user, _) = await ValidClaimsAsync();
        var payload = user.AccessToken.Split('.')[1];
        await AssertRejectedAsync($"{Segment("""{"alg":"none","typ":"JWT"}""")}.{payload}.");
        await AssertRejectedAsync($"{Segment("""{"alg":"None","typ":"JWT"}""")}.{payload}.");
    }

    [Fact]
    public async Task Another_algorithm_with_the_right_key_is_rejected()
    {
        var (_, claims) = await ValidClaimsAsync();
        await AssertRejectedAsync(TestTokens.Mint(claims, Now, Now.AddMinutes(5), algorithm: SecurityAlgorithms.HmacSha512));
        await AssertRejectedAsync(TestTokens.Mint(claims, Now, Now.AddMinutes(5), algorithm: SecurityAlgorithms.HmacSha384));
    }

    [Fact]
    public async Task A_wrong_key_is_rejected()
    {
        var (_, claims) = await ValidClaimsAsync();
        await AssertRejectedAsync(TestTokens.Mint(claims, Now, Now.AddMinutes(5), key: "an-attackers-own-key-of-plenty-of-length-123456"));
    }

    [Fact]
    public async Task Tampered_header_payload_or_signature_is_rejected()
    {
        var (user, _) = await ValidClaimsAsync();
        var parts = user.AccessToken.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        var staffPayload = Segment(payload.Replace("\"token_type\":\"access\"", "\"token_type\":\"access\",\"role\":\"staff\""));
        var header = Segment("""{"alg":"HS256","typ":"JWT","x":"1"}""");
        var signature = parts[2][..^3] + (parts[2][^3] == 'A' ? "BAA" : "AAA");

        await AssertRejectedAsync($"{parts[0]}.{staffPayload}.{parts[2]}");
        await AssertRejectedAsync($"{header}.{parts[1]}.{parts[2]}");
        await AssertRejectedAsync($"{parts[0]}.{parts[1]}.{signature}");
        await AssertRejectedAsync($"{parts[0]}.{parts[1]}");
    }

    [Fact]
    public async Task Expired_tokens_are_rejected_past_the_thirty_second_skew()
    {
        var (_, claims) = await ValidClaimsAsync();
        await AssertRejectedAsync(TestTokens.Mint(claims, Now.AddMinutes(-20), Now.AddSeconds(-45)), "token_expired");
    }

    [Fact]
    public async Task Not_yet_valid_and_future_issued_tokens_are_rejected()
    {
        var (_, claims) = await ValidClaimsAsync();
        await AssertRejectedAsync(TestTokens.Mint(claims, Now.AddMinutes(10), Now.AddMinutes(25)));

        // iat in the future with a valid nbf: minted by hand so that nbf and iat differ.
        var futureIat = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TestSecrets.Issuer,
            Audience = "authapp-clients",
            Claims = claims,
            IssuedAt = Now.AddHours(1).UtcDateTime,
            NotBefore = Now.AddMinutes(-1).UtcDateTime,
            Expires = Now.AddMinutes(10).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestSecrets.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
        await AssertRejectedAsync(futureIat);
    }

    [Theory]
    [InlineData("evil-issuer", "authapp-clients")]
    [InlineData(TestSecrets.Issuer, "some-other-service")]
    public async Task Wrong_issuer_or_audience_is_rejected(string issuer, string audience)
    {
        var (_, claims) = await ValidClaimsAsync();
        await AssertRejectedAsync(TestTokens.Mint(claims, Now, Now.AddMinutes(5), issuer: issuer, audience: audience));
    }

    [Theory]
    [InlineData("refresh")]
    [InlineData("id")]
    [InlineData(null)]
    public async Task Wrong_or_missing_token_type_is_rejected(string? tokenType)
    {
        var (_, claims) = await ValidClaimsAsync();
        if (tokenType is null)
        {
            claims.Remove("token_type");
        }
        else
        {
            claims["token_type"] = tokenType;
        }
        await AssertRejectedAsync(TestTokens.Mint(claims, Now, Now.AddMinutes(5)));
    }

    [Theory]
    [InlineData("jti")]
    [InlineData("sid")]
    [InlineData("sub")]
    [InlineData("user_id")]
    public async Task Missing_required_claims_are_rejected(string claim)
    {
        var (_, claims) = await ValidClaimsAsync();
        claims.Remove(claim);
        await AssertRejectedAsync(TestTokens.Mint(claims, Now, Now.AddMinutes(5)));
    }

    [Fact]
    public async Task A_token_without_an_expiry_is_rejected()
    {
        var (_, claims) = await ValidClaimsAsync();
        var noExp = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TestSecrets.Issuer,
            Audience = "authapp-clients",
            Claims = claims,
            IssuedAt = Now.UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestSecrets.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
        await AssertRejectedAsync(noExp);
    }

    [Fact]
    public async Task An_unknown_user_is_rejected()
    {
        var (_, claims) = await ValidClaimsAsync();
        var stranger = Guid.NewGuid().ToString();
        claims["sub"] = stranger;
        claims["user_id"] = stranger;
        claims["sid"] = Guid.NewGuid().ToString();
        await AssertRejectedAsync(TestTokens.Mint(claims, Now, Now.AddMinutes(5)));
    }

    [Fact]
    public async Task A_revoked_session_is_rejected()
    {
        var (user, _) = await ValidClaimsAsync();
        using (await Api.LogoutAsync(user.AccessToken, user.RefreshToken)) { }
        await AssertRejectedAsync(user.AccessToken, "token_revoked");
    }

    [Fact]
    public async Task Kid_jku_x5u_and_jwk_headers_cannot_choose_the_key()
    {
        var (_, claims) = await ValidClaimsAsync();
        using var attackerKey = RSA.Create(2048);
        var rsa = new RsaSecurityKey(attackerKey) { KeyId = "../../../../dev/null" };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(attackerKey.ExportParameters(false)));
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };

        string Signed(SigningCredentials credentials, Dictionary<string, object> header) => handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TestSecrets.Issuer,
            Audience = "authapp-clients",
            Claims = claims,
            AdditionalHeaderClaims = header,
            IssuedAt = Now.UtcDateTime,
            NotBefore = Now.UtcDateTime,
            Expires = Now.AddMinutes(5).UtcDateTime,
            SigningCredentials = credentials,
        });

        var rs256 = new SigningCredentials(rsa, SecurityAlgorithms.RsaSha256);
        await AssertRejectedAsync(Signed(rs256, new() { ["jku"] = "https://attacker.example/jwks.json" }));
        await AssertRejectedAsync(Signed(rs256, new() { ["x5u"] = "https://attacker.example/cert.pem" }));
        await AssertRejectedAsync(Signed(rs256, new() { ["jwk"] = new Dictionary<string, object> { ["kty"] = "RSA", ["n"] = jwk.N, ["e"] = jwk.E } }));

        // An HMAC key of the attacker's with a kid naming a file or an empty key: the kid is not used to find keys.
        var emptyishKey = new SigningCredentials(new SymmetricSecurityKey(new byte[32]) { KeyId = "/dev/null" }, SecurityAlgorithms.HmacSha256);
        await AssertRejectedAsync(Signed(emptyishKey, []));
    }

    [Fact]
    public async Task Oversized_and_garbage_bearer_values_are_rejected()
    {
        await AssertRejectedAsync(new string('a', 9000));
        await AssertRejectedAsync("eyJ" + new string('.', 50));
        await AssertRejectedAsync("%%%.^^^.***");
    }
}
