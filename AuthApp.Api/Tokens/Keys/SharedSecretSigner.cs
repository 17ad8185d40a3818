using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthApp.Api.Tokens.Keys;

/// <summary>HS256 with Jwt:SigningKey. A symmetric key is never published, so the JWKS is empty.</summary>
public sealed class SharedSecretSigner(IOptions<JwtOptions> options) : ITokenSigner
{
    private readonly SymmetricSecurityKey _key = new(options.Value.SigningKeyBytes);

    public string Algorithm => SecurityAlgorithms.HmacSha256;
    public SigningCredentials Current => field ??= new SigningCredentials(_key, SecurityAlgorithms.HmacSha256);
    public IEnumerable<SecurityKey> ResolveVerificationKeys(string? kid) => [_key];
    public IReadOnlyList<PublicJwk> PublicKeys => [];
}
