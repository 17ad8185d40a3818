using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthApp.Api.Tokens.Keys;

/// <summary>HS256 with Jwt:SigningKey. A symmetric key is never published, so the JWKS is empty.</summary>
public sealed class SharedSecretSigner(IOptions<JwtOptions> options) : ITokenSigner
{
    /// <summary>The one key that signs and verifies.</summary>
    public SymmetricSecurityKey Key { get; } = new(options.Value.SigningKeyBytes);

    public string Algorithm => SecurityAlgorithms.HmacSha256;
    public SigningCredentials Current => field ??= new SigningCredentials(Key, SecurityAlgorithms.HmacSha256);
    public IEnumerable<SecurityKey> ResolveVerificationKeys(string? kid) => [Key];
    public IReadOnlyList<PublicJwk> PublicKeys => [];
}
