using System.Security.Cryptography;
using System.Text;
using AuthApp.Data;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Tokens.Keys;

/// <summary>
/// Encrypts private signing keys at rest with AES-256-GCM. The key-encryption key is derived (HKDF-SHA256)
/// from Jwt:SigningKey, the secret parameter the AppHost keeps out of the database: a copy of the
/// database alone does not yield a signing key. The associated data binds everything the ring trusts a row for: its kid,
/// algorithm, creation and retirement, so a row altered without the key-encryption key no longer opens.
/// </summary>
public sealed class PrivateKeyProtector(IOptions<JwtOptions> options)
{
    private readonly byte[] _kek = SealedBox.DeriveKey(options.Value.SigningKeyBytes, "authapp signing-key encryption v1");

    /// <summary>Seals <paramref name="privateKey"/> for <paramref name="key"/> as it is now (set its dates first).</summary>
    public byte[] Protect(SigningKey key, byte[] privateKey) => SealedBox.Seal(_kek, privateKey, Bound(key));

    /// <summary>
    /// The private key of <paramref name="key"/>, if the row is as it was sealed; <paramref name="legacy"/> when it was
    /// sealed before the dates were bound (kid alone), which the ring then seals again. Throws
    /// <see cref="CryptographicException"/> for anything else.
    /// </summary>
    public byte[] Unprotect(SigningKey key, out bool legacy)
    {
        try
        {
            legacy = false;
            return SealedBox.Open(_kek, key.EncryptedPrivateKey, Bound(key));
        }
        catch (CryptographicException)
        {
            legacy = true;
            return SealedBox.Open(_kek, key.EncryptedPrivateKey, Encoding.UTF8.GetBytes(key.Kid));
        }
    }

    private static byte[] Bound(SigningKey key) => Encoding.UTF8.GetBytes(
        $"v2|{key.Kid}|{key.Algorithm}|{Microseconds(key.CreatedAt)}|{(key.RetiredAt is { } retired ? Microseconds(retired) : 0)}");

    /// <summary>PostgreSQL keeps microseconds: the bound value is what survives the round trip.</summary>
    private static long Microseconds(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
}
