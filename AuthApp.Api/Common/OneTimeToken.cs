using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AuthApp.Api.Common;

/// <summary>
/// A single-use token's text: base64url(id ‖ secret), a random 128-bit id that finds its row and a 256-bit secret of
/// which only SHA-256(purpose ‖ secret) is stored and compared in constant time. Used by mailed account tokens and by
/// login challenges; a token of one purpose never matches another's hash.
/// </summary>
public static class OneTimeToken
{
    private const int IdBytes = 16;
    private const int SecretBytes = 32;
    public const int TextLength = 64; // base64url of 48 bytes, no padding

    public static (Guid Id, byte[] SecretHash, string Text) Create(string purpose)
    {
        Span<byte> raw = stackalloc byte[IdBytes + SecretBytes];
        RandomNumberGenerator.Fill(raw);
        var created = (new Guid(raw[..IdBytes]), Hash(purpose, raw[IdBytes..]), Base64Url.EncodeToString(raw));
        CryptographicOperations.ZeroMemory(raw);
        return created;
    }

    /// <summary>The id a well-formed text names and the hash its secret must match; false for anything malformed.</summary>
    public static bool TryRead(string? text, string purpose, out Guid id, out byte[] presentedHash)
    {
        Span<byte> raw = stackalloc byte[IdBytes + SecretBytes];
        if (text is not { Length: TextLength } || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ||
            Base64Url.DecodeFromChars(text, raw) != raw.Length)
        {
            (id, presentedHash) = (Guid.Empty, []);
            return false;
        }
        (id, presentedHash) = (new Guid(raw[..IdBytes]), Hash(purpose, raw[IdBytes..]));
        return true;
    }

    /// <summary>Constant time, and as long when no row was found: whether a token exists does not show in the timing.</summary>
    public static bool Matches(byte[] presentedHash, byte[]? storedHash) =>
        CryptographicOperations.FixedTimeEquals(presentedHash, storedHash ?? new byte[SHA256.HashSizeInBytes]);

    private static byte[] Hash(string purpose, ReadOnlySpan<byte> secret)
    {
        var label = Encoding.UTF8.GetBytes($"authapp {purpose} token\0");
        var input = new byte[label.Length + secret.Length];
        label.CopyTo(input, 0);
        secret.CopyTo(input.AsSpan(label.Length));
        var hash = SHA256.HashData(input);
        CryptographicOperations.ZeroMemory(input);
        return hash;
    }
}
