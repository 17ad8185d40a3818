using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.Recovery;

/// <summary>
/// Single-use mailed tokens. The text in the link is base64url(id ‖ secret): a random 128-bit id that finds
/// the row and a 256-bit secret of which only SHA-256(purpose ‖ secret) is stored, compared in constant
/// time. Malformed, unknown, spent, expired and wrong-purpose tokens are all just "not valid".
/// </summary>
public sealed class AccountTokens(AuthDbContext db)
{
    private const int IdBytes = 16;
    private const int SecretBytes = 32;
    public const int TextLength = 64; // base64url of 48 bytes, no padding

    /// <summary>A new token for <paramref name="user"/>'s current address; the caller adds it to the unit of work with its mail.</summary>
    public static (AccountToken Row, string Text) Create(User user, string purpose, DateTimeOffset now, TimeSpan lifetime)
    {
        Span<byte> raw = stackalloc byte[IdBytes + SecretBytes];
        RandomNumberGenerator.Fill(raw);
        var row = new AccountToken
        {
            Id = new Guid(raw[..IdBytes]),
            UserId = user.Id,
            Purpose = purpose,
            SecretHash = Hash(purpose, raw[IdBytes..]),
            Email = user.NormalizedEmail,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        var text = Base64Url.EncodeToString(raw);
        CryptographicOperations.ZeroMemory(raw);
        return (row, text);
    }

    /// <summary>The unspent, unexpired token of this purpose that <paramref name="text"/> names, or null.</summary>
    public async Task<AccountToken?> FindUsableAsync(string? text, string purpose, DateTimeOffset now, CancellationToken ct)
    {
        Span<byte> raw = stackalloc byte[IdBytes + SecretBytes];
        if (text is not { Length: TextLength } || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ||
            Base64Url.DecodeFromChars(text, raw) != raw.Length)
        {
            return null;
        }
        var id = new Guid(raw[..IdBytes]);
        var presented = Hash(purpose, raw[IdBytes..]);
        var row = await db.AccountTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
        // The secret is compared first and in constant time, whatever else is wrong with the row.
        var secretMatches = CryptographicOperations.FixedTimeEquals(presented, row?.SecretHash ?? new byte[SHA256.HashSizeInBytes]);
        return secretMatches && row is { UsedAt: null } && row.Purpose == purpose && row.ExpiresAt > now ? row : null;
    }

    /// <summary>Spends the token: of all requests presenting it, exactly one gets true.</summary>
    public async Task<bool> SpendAsync(Guid id, DateTimeOffset now, CancellationToken ct) =>
        await db.AccountTokens.Where(t => t.Id == id && t.UsedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.UsedAt, now), ct) == 1;

    /// <summary>Makes the user's outstanding tokens of these purposes void with the caller's next save.</summary>
    public async Task VoidOutstandingAsync(Guid userId, string[] purposes, DateTimeOffset now, CancellationToken ct)
    {
        var outstanding = await db.AccountTokens
            .Where(t => t.UserId == userId && purposes.Contains(t.Purpose) && t.UsedAt == null && t.ExpiresAt > now).ToListAsync(ct);
        foreach (var token in outstanding)
        {
            token.UsedAt = now;
        }
    }

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
