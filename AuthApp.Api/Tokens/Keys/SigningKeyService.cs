using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Tokens.Keys;

/// <summary>The signing keys as staff see them: when each was made, retired, and until when it verifies.</summary>
public sealed class SigningKeyService(AuthDbContext db, IOptions<JwtOptions> options)
{
    public async Task<List<SigningKeyInfo>> ListAsync(CancellationToken ct)
    {
        // A retired key verifies as long as the longest-lived token it could have signed.
        var keep = options.Value.RefreshTokenLifetime + options.Value.ClockSkew;
        var keys = await db.SigningKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt)
            .Select(k => new { k.Kid, k.Algorithm, k.CreatedAt, k.RetiredAt }).ToListAsync(ct);
        return keys.Select(k => new SigningKeyInfo(k.Kid, k.Algorithm, k.CreatedAt, k.RetiredAt, k.RetiredAt + keep)).ToList();
    }
}
