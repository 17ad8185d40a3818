using System.Text;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Tokens.Keys;

/// <summary>
/// Encrypts private signing keys at rest with AES-256-GCM. The key-encryption key is derived (HKDF-SHA256)
/// from Jwt:SigningKey, the secret parameter the AppHost keeps out of the database: a copy of the
/// database alone does not yield a signing key.
/// </summary>
public sealed class PrivateKeyProtector(IOptions<JwtOptions> options)
{
    private readonly byte[] _kek = SealedBox.DeriveKey(options.Value.SigningKeyBytes, "authapp signing-key encryption v1");

    public byte[] Protect(string kid, byte[] privateKey) => SealedBox.Seal(_kek, privateKey, Encoding.UTF8.GetBytes(kid));

    public byte[] Unprotect(string kid, byte[] sealedKey) => SealedBox.Open(_kek, sealedKey, Encoding.UTF8.GetBytes(kid));
}
