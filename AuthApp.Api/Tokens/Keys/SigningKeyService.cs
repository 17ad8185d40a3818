using AuthApp.Api.Audit;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Tokens.Keys;

/// <summary>The signing keys as staff see them: when each was made, retired, and until when it verifies.</summary>
public sealed class SigningKeyService(AuthDbContext db, IOptions<JwtOptions> options, ITokenSigner signer, AuditService audit)
{
    public async Task<List<SigningKeyInfo>> ListAsync(CancellationToken ct)
    {
        // A retired key verifies as long as the longest-lived token it could have signed.
        var keep = options.Value.RefreshTokenLifetime + options.Value.ClockSkew;
        var keys = await db.SigningKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt)
            .Select(k => new { k.Kid, k.Algorithm, k.CreatedAt, k.RetiredAt }).ToListAsync(ct);
        var signing = signer.PublicKeys.Count > 0 ? signer.Current.Key.KeyId : null;
        return keys.Select(k => new SigningKeyInfo(k.Kid, k.Algorithm, k.CreatedAt, k.RetiredAt, k.RetiredAt + keep, k.Kid == signing)).ToList();
    }

    /// <summary>A new signing key on a staff member's request, recorded with the key; a refusal (HS256 mode) is recorded too.</summary>
    public async Task<Outcome<SigningKeyInfo>> RotateAsync(StaffActor actor, DateTimeOffset now, CancellationToken ct)
    {
        var entry = AuditService.Entry(actor, AuditActions.RotateKey, AuditOutcomes.Succeeded, now);
        var rotated = await signer.RotateAsync(entry, ct);
        if (rotated.Error is not null)
        {
            entry.Outcome = AuditOutcomes.Refused;
            await audit.RecordAsync(entry, ct);
        }
        return rotated;
    }
}
