using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthApp.Tests.Support;

/// <summary>Mints tokens with the test run's signing key, to present what the API never issues (expired, odd claims).</summary>
public static class TestTokens
{
    public static string Mint(Dictionary<string, object> claims, DateTimeOffset issuedAt, DateTimeOffset expires,
        string issuer = TestSecrets.Issuer, string audience = "authapp-clients", string key = TestSecrets.SigningKey,
        string algorithm = SecurityAlgorithms.HmacSha256) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), algorithm),
        });

    /// <summary>The claims of an existing token, signed ES256 by a key the API never made, under the given <c>kid</c>.</summary>
    public static string SignWithForeignKey(string token, ECDsa key, string kid) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = new JsonWebToken(token).Issuer,
            Audience = "authapp-clients",
            Claims = ClaimsOf(token),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256),
        });

    /// <summary>The claims of an existing token, to re-sign them changed.</summary>
    public static Dictionary<string, object> ClaimsOf(string token)
    {
        var jwt = new JsonWebToken(token);
        return jwt.Claims.Where(c => c.Type is not ("iat" or "nbf" or "exp" or "iss" or "aud"))
            .ToDictionary(c => c.Type, c => (object)c.Value);
    }
}
