using System.Security.Cryptography;
using System.Text;
using AuthApp.Data;
using AuthApp.Data.Factors;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.Factors;

/// <summary>
/// Ten single-use recovery codes per account (<c>xxxx-xxxx-xxxx</c>, 60 random bits each), shown once when made and kept
/// as HMACs (<see cref="FactorKeys.RecoveryCodeMac"/>). Spending one is a single conditional UPDATE, so two requests with
/// the same code cannot both succeed.
/// </summary>
public sealed class RecoveryCodes(AuthDbContext db, FactorKeys keys)
{
    public const int Count = 10;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>New codes for the account, the old ones void; written by the caller's SaveChanges. Returns them in clear, once.</summary>
    public async Task<IReadOnlyList<string>> ReplaceAsync(Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        // Removed in the same SaveChanges that adds the new ones (one transaction): never an account left with neither.
        db.RecoveryCodes.RemoveRange(await db.RecoveryCodes.Where(c => c.UserId == userId).ToListAsync(ct));
        var codes = Enumerable.Range(0, Count).Select(_ => NewCode()).ToList();
        db.RecoveryCodes.AddRange(codes.Select(code => new RecoveryCode
        {
            Id = Guid.CreateVersion7(now), UserId = userId, CodeHash = Hash(userId, Normalize(code)!), CreatedAt = now,
        }));
        return codes;
    }

    /// <summary>Spends the code if it is one of the account's unused ones; false otherwise (wrong, used, or another account's).</summary>
    public async Task<bool> SpendAsync(Guid userId, string? code, DateTimeOffset now, CancellationToken ct)
    {
        if (Normalize(code) is not { } normalized)
        {
            return false;
        }
        var hash = Hash(userId, normalized);
        return await db.RecoveryCodes.Where(c => c.UserId == userId && c.CodeHash == hash && c.UsedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.UsedAt, now), ct) == 1;
    }

    public Task<int> RemainingAsync(Guid userId, CancellationToken ct) =>
        db.RecoveryCodes.CountAsync(c => c.UserId == userId && c.UsedAt == null, ct);

    public Task DeleteAllAsync(Guid userId, CancellationToken ct) =>
        db.RecoveryCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(ct);

    /// <summary>Lower case, without the dashes and spaces people type: twelve characters of the alphabet, or null.</summary>
    public static string? Normalize(string? code)
    {
        var compact = code?.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        return compact is { Length: 12 } && compact.All(Alphabet.Contains) ? compact : null;
    }

    private static string NewCode()
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 12);
        return $"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}-{new string(chars, 8, 4)}";
    }

    private byte[] Hash(Guid userId, string normalized) =>
        HMACSHA256.HashData(keys.RecoveryCodeMac, Encoding.UTF8.GetBytes($"{userId:N}:{normalized}"));
}
