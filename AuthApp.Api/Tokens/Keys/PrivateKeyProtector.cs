using System.Security.Cryptography;
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
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] _kek = HKDF.DeriveKey(HashAlgorithmName.SHA256, options.Value.SigningKeyBytes, 32,
        salt: [], info: Encoding.UTF8.GetBytes("authapp signing-key encryption v1"));

    public byte[] Protect(string kid, byte[] privateKey)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var sealedKey = new byte[NonceBytes + privateKey.Length + TagBytes];
        using var aes = new AesGcm(_kek, TagBytes);
        aes.Encrypt(nonce, privateKey, sealedKey.AsSpan(NonceBytes, privateKey.Length),
            sealedKey.AsSpan(NonceBytes + privateKey.Length), Encoding.UTF8.GetBytes(kid));
        nonce.CopyTo(sealedKey, 0);
        return sealedKey;
    }

    public byte[] Unprotect(string kid, byte[] sealedKey)
    {
        var length = sealedKey.Length - NonceBytes - TagBytes;
        var privateKey = new byte[length];
        using var aes = new AesGcm(_kek, TagBytes);
        aes.Decrypt(sealedKey.AsSpan(0, NonceBytes), sealedKey.AsSpan(NonceBytes, length),
            sealedKey.AsSpan(NonceBytes + length), privateKey, Encoding.UTF8.GetBytes(kid));
        return privateKey;
    }
}
