using AuthApp.Data;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthApp.Api.Tokens.Keys;

/// <summary>HS256 with Jwt:SigningKey. A symmetric key is never published, so the JWKS is empty.</summary>
public sealed class SharedSecretSigner(IOptions<JwtOptions> options) : ITokenSigner
{
    private static readonly Error CannotRotate = new(ErrorCodes.KeyRotationUnavailable,
        "This deployment signs with a shared HS256 secret (Jwt:SigningAlgorithm=HS256); rotate it by changing the jwt-signing-key parameter, or switch to ES256.");

    private readonly SymmetricSecurityKey _key = new(options.Value.SigningKeyBytes);

    public string Algorithm => SecurityAlgorithms.HmacSha256;
    public SigningCredentials Current => field ??= new SigningCredentials(_key, SecurityAlgorithms.HmacSha256);
    public IReadOnlyList<PublicJwk> PublicKeys => [];

    /// <summary>The one key, set directly: the handler then skips key resolution per token (measured ~35% of /user/me).</summary>
    public void ConfigureValidation(TokenValidationParameters parameters) => parameters.IssuerSigningKey = _key;

    public bool StillVerifies(string? kid) => true; // the one secret, for the process's life

    public Task<Outcome<SigningKeyInfo>> RotateAsync(AuditEntry? audit, CancellationToken ct) => Task.FromResult<Outcome<SigningKeyInfo>>(CannotRotate);
}
