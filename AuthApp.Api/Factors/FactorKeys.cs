using AuthApp.Api.Tokens;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Factors;

/// <summary>
/// The keys second factors are kept under, each derived from the deployment secret (<c>Jwt:SigningKey</c>) for one use:
/// authenticator-app secrets are sealed with AES-256-GCM, recovery codes and challenge secrets are stored as HMACs. A
/// copy of the database alone opens no authenticator secret and cannot be searched for a recovery code.
/// </summary>
public sealed class FactorKeys(IOptions<JwtOptions> jwt)
{
    public byte[] TotpSeal { get; } = SealedBox.DeriveKey(jwt.Value.SigningKeyBytes, "authapp totp secrets v1");

    public byte[] RecoveryCodeMac { get; } = SealedBox.DeriveKey(jwt.Value.SigningKeyBytes, "authapp recovery codes v1");
}
