using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AuthApp.Api.Common;
using AuthApp.Api.Tokens;
using AuthApp.Api.Tokens.Keys;
using AuthApp.Data;
using Microsoft.Extensions.Options;

namespace AuthApp.Tests.Unit;

/// <summary>
/// Services of the original deployment validate access tokens with djangorestframework-simplejwt under the original's
/// SIMPLE_JWT settings: HS256 with Django's SECRET_KEY, no audience, no issuer check, <c>user_id</c>, <c>token_type</c>
/// and <c>jti</c> claims. When AuthApp signs with that SECRET_KEY (<c>Parameters:jwt-signing-key</c>), its access tokens
/// must pass that validation. The checks below are those of PyJWT's <c>jwt.decode</c> and simplejwt's <c>Token.verify</c>,
/// written out here rather than through the library AuthApp issues with.
/// </summary>
public sealed class SimpleJwtCompatibilityTests
{
    // The shape of a Django SECRET_KEY (get_random_secret_key: 50 characters from a-z0-9!@#$%^&*(-_=+)).
    private const string DjangoSecretKey = "django-insecure-k3$^x=7q(8w!v@p)2c&u#9m*z_e-r+5t0y4b6n1h";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_access_token_signed_with_the_django_secret_key_passes_simplejwt_validation()
    {
        var options = Options.Create(new JwtOptions { SigningKey = DjangoSecretKey });
        var tokens = new TokenService(options, new SharedSecretSigner(options), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now), new ApiTelemetry(new TestMeterFactory()));
        var user = new User
        {
            Id = Guid.Parse("b4801d7a-2ba4-460d-be47-7808a5d343d4"),
            Username = "djangostaff56335e6e",
            NormalizedUsername = "djangostaff56335e6e",
            Email = "django.staff.56335e6e@example.org",
            NormalizedEmail = "django.staff.56335e6e@example.org",
            PasswordHash = "x",
            IsStaff = true,
        };
        var pair = tokens.IssuePair(user, Guid.NewGuid(), Now.AddDays(30), Now);

        var payload = SimpleJwtValidate(pair.AccessToken, DjangoSecretKey, Now);
        Assert.Equal("b4801d7a-2ba4-460d-be47-7808a5d343d4", payload.GetProperty("user_id").GetString());

        Assert.Throws<InvalidOperationException>(() => SimpleJwtValidate(pair.AccessToken, DjangoSecretKey + "x", Now));
        Assert.Throws<InvalidOperationException>(() => SimpleJwtValidate(pair.AccessToken, DjangoSecretKey, Now.AddMinutes(16)));
        // simplejwt's AccessToken class refuses a refresh token.
        Assert.Throws<InvalidOperationException>(() => SimpleJwtValidate(pair.RefreshToken, DjangoSecretKey, Now));
    }

    /// <summary>PyJWT 2 <c>jwt.decode(token, SECRET_KEY, algorithms=["HS256"], audience=None, issuer=None, options={"verify_aud": False})</c>, then simplejwt's checks.</summary>
    private static JsonElement SimpleJwtValidate(string token, string secretKey, DateTimeOffset now)
    {
        var parts = token.Split('.');
        Check(parts.Length == 3, "three segments");
        var header = JsonDocument.Parse(Base64Url(parts[0])).RootElement;
        Check(header.GetProperty("alg").GetString() == "HS256", "alg HS256");
        Check(header.GetProperty("typ").GetString() == "JWT", "typ JWT");

        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secretKey), Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        Check(CryptographicOperations.FixedTimeEquals(signature, Base64Url(parts[2])), "signature");

        var payload = JsonDocument.Parse(Base64Url(parts[1])).RootElement;
        var unixNow = now.ToUnixTimeSeconds();
        Check(payload.GetProperty("exp").ValueKind == JsonValueKind.Number && payload.GetProperty("exp").GetInt64() > unixNow, "exp in the future");
        Check(payload.GetProperty("iat").ValueKind == JsonValueKind.Number && payload.GetProperty("iat").GetInt64() <= unixNow, "iat a number, not in the future");
        if (payload.TryGetProperty("nbf", out var nbf))
        {
            Check(nbf.GetInt64() <= unixNow, "nbf not in the future");
        }
        // simplejwt: the JTI claim must be there, the token type must be the class's ("access"), the user id claim names the user.
        Check(payload.TryGetProperty("jti", out var jti) && jti.GetString() is { Length: > 0 }, "jti");
        Check(payload.GetProperty("token_type").GetString() == "access", "token_type access");
        Check(Guid.TryParse(payload.GetProperty("user_id").GetString(), out _), "user_id");
        return payload;
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"simplejwt would refuse the token: {what}");
        }
    }

    private static byte[] Base64Url(string segment)
    {
        var base64 = segment.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='));
    }
}
