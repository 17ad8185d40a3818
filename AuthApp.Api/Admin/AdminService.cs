using AuthApp.Api.Common;
using AuthApp.Api.Data;
using AuthApp.Api.Tokens;
using AuthApp.Api.Users;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.Admin;

/// <summary>The original's Django admin, as an API for staff.</summary>
public sealed class AdminService(AuthDbContext db, SessionRevoker sessions, UserCache cache, TimeProvider time)
{
    public Task<Page<AdminUser>> ListAsync(string? search, KeysetCursor? after, int limit, CancellationToken ct)
    {
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = $"%{EscapeLike(search.Trim())}%";
            query = query.Where(u => EF.Functions.ILike(u.Username, pattern, "\\") || EF.Functions.ILike(u.Email, pattern, "\\"));
        }
        return UserPaging.PageAsync(query, after, limit,
            u => new AdminUser(u.Id, u.Username, u.Email, u.DateJoined, u.IsActive, u.IsStaff, u.LastLogin),
            row => new KeysetCursor(row.DateJoined, row.Id), ct);
    }

    /// <summary>Deactivation ends every session at once: refresh tokens in PostgreSQL, access tokens through the blacklist.</summary>
    public Task<AdminUser?> SetActiveAsync(Guid id, bool active, CancellationToken ct) =>
        ChangeAsync(id, user => user.IsActive = active, revokeSessionsWith: active ? null : SessionRevocationReasons.Deactivated, ct);

    /// <summary>
    /// Losing staff also ends the user's sessions: access tokens carry the role claim, and a demoted
    /// account must not keep staff powers for the rest of a token's lifetime.
    /// </summary>
    public Task<AdminUser?> SetStaffAsync(Guid id, bool staff, CancellationToken ct) =>
        ChangeAsync(id, user => user.IsStaff = staff, revokeSessionsWith: staff ? null : SessionRevocationReasons.AdminRevoked, ct);

    public Task<AdminUser?> RevokeSessionsAsync(Guid id, CancellationToken ct) =>
        ChangeAsync(id, _ => { }, SessionRevocationReasons.AdminRevoked, ct);

    private async Task<AdminUser?> ChangeAsync(Guid id, Action<User> change, string? revokeSessionsWith, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return null;
        }
        change(user);
        user.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        if (revokeSessionsWith is not null)
        {
            await sessions.RevokeAllForUserAsync(user.Id, revokeSessionsWith, ct);
        }
        await cache.InvalidateAsync(user.Id);
        return new AdminUser(user.Id, user.Username, user.Email, user.DateJoined, user.IsActive, user.IsStaff, user.LastLogin);
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
