using AuthApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.Recovery;

/// <summary>
/// Single-use mailed tokens (<see cref="OneTimeToken"/>'s format, the purpose bound into the hash). Malformed, unknown,
/// spent, expired and wrong-purpose tokens are all just "not valid".
/// </summary>
public sealed class AccountTokens(AuthDbContext db)
{
    public const int TextLength = OneTimeToken.TextLength;

    /// <summary>A new token for <paramref name="user"/>'s current address; the caller adds it to the unit of work with its mail.</summary>
    public static (AccountToken Row, string Text) Create(User user, string purpose, DateTimeOffset now, TimeSpan lifetime)
    {
        var (id, secretHash, text) = OneTimeToken.Create(purpose);
        var row = new AccountToken
        {
            Id = id,
            UserId = user.Id,
            Purpose = purpose,
            SecretHash = secretHash,
            Email = user.NormalizedEmail,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        return (row, text);
    }

    /// <summary>The unspent, unexpired token of this purpose that <paramref name="text"/> names, or null.</summary>
    public async Task<AccountToken?> FindUsableAsync(string? text, string purpose, DateTimeOffset now, CancellationToken ct)
    {
        if (!OneTimeToken.TryRead(text, purpose, out var id, out var presented))
        {
            return null;
        }
        var row = await db.AccountTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
        // The secret is compared first and in constant time, whatever else is wrong with the row.
        return OneTimeToken.Matches(presented, row?.SecretHash) && row is { UsedAt: null } && row.Purpose == purpose
            && row.ExpiresAt > now ? row : null;
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
}
