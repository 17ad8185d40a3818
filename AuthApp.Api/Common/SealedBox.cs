using System.Security.Cryptography;
using System.Text;

namespace AuthApp.Api.Common;

/// <summary>
/// AES-256-GCM for data kept at rest in PostgreSQL (private signing keys, queued mail): nonce (12) ‖
/// ciphertext ‖ tag (16), with associated data that ties the box to its row. Keys are derived (HKDF-SHA256)
/// from the deployment's secret with a label per use, so a copy of the database alone opens nothing.
/// </summary>
public static class SealedBox
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public static byte[] DeriveKey(byte[] secret, string label) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, salt: [], info: Encoding.UTF8.GetBytes(label));

    public static byte[] Seal(byte[] key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var box = new byte[NonceBytes + plaintext.Length + TagBytes];
        var nonce = box.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plaintext, box.AsSpan(NonceBytes, plaintext.Length), box.AsSpan(NonceBytes + plaintext.Length), associatedData);
        return box;
    }

    /// <summary>Throws <see cref="AuthenticationTagMismatchException"/> when the key or the associated data is not the one it was sealed with.</summary>
    public static byte[] Open(byte[] key, ReadOnlySpan<byte> box, ReadOnlySpan<byte> associatedData)
    {
        var length = box.Length - NonceBytes - TagBytes;
        if (length < 0)
        {
            throw new CryptographicException("The sealed value is too short.");
        }
        var plaintext = new byte[length];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(box[..NonceBytes], box.Slice(NonceBytes, length), box[(NonceBytes + length)..], plaintext, associatedData);
        return plaintext;
    }
}
