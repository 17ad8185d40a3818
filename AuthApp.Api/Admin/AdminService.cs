using AuthApp.Api.Tokens;
using AuthApp.Api.Users;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.Admin;

/// <summary>The original's Django admin, as an API for staff.</summary>
public sealed class AdminService(AuthDbContext db, SessionRevoker sessions, UserCache cache)
{
    private const int SearchMaxLength = UserRules.EmailMaxLength;
    private static readonly Error NotFound = new(ErrorCodes.UserNotFound, "No user has this id.");

    public async Task<Outcome<Page<AdminUser>>> ListAsync(string? search, string? cursor, string? limit, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var page = UserPaging.ReadQuery(cursor, limit, errors);
        if (search is { Length: > SearchMaxLength })
        {
            errors.Add("search", $"Ensure this field has no more than {SearchMaxLength} characters.");
        }
        else if (search is not null && search.Any(char.IsControl))
        {
            errors.Add("search", "The search may not contain control characters.");
        }
        if (errors.Any)
        {
            return Error.Validation(errors);
        }

        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = $"%{EscapeLike(search.Trim())}%";
            query = query.Where(u => EF.Functions.ILike(u.Username, pattern, "\\") || EF.Functions.ILike(u.Email, pattern, "\\"));
        }
        return await UserPaging.PageAsync(query, page,
            u => new AdminUser(u.Id, u.Username, u.Email, u.DateJoined, u.IsActive, u.IsStaff, u.LastLogin, u.EmailVerifiedAt != null, u.EmailVerifiedAt),
            row => new KeysetCursor(row.DateJoined, row.Id), ct);
    }

    /// <summary>Deactivation ends every session at once: refresh tokens in PostgreSQL, access tokens through the blacklist.</summary>
    public Task<Outcome<AdminUser>> SetActiveAsync(Guid id, bool active, DateTimeOffset now, CancellationToken ct) =>
        ChangeAsync(id, user => user.IsActive = active, revokeSessionsWith: active ? null : SessionRevocationReasons.Deactivated, now, ct);

    /// <summary>
    /// Losing staff also ends the user's sessions: access tokens carry the role claim, and a demoted
    /// account must not keep staff powers for the rest of a token's lifetime.
    /// </summary>
    public Task<Outcome<AdminUser>> SetStaffAsync(Guid id, bool staff, DateTimeOffset now, CancellationToken ct) =>
        ChangeAsync(id, user => user.IsStaff = staff, revokeSessionsWith: staff ? null : SessionRevocationReasons.AdminRevoked, now, ct);

    public Task<Outcome<AdminUser>> RevokeSessionsAsync(Guid id, DateTimeOffset now, CancellationToken ct) =>
        ChangeAsync(id, _ => { }, SessionRevocationReasons.AdminRevoked, now, ct);

    private async Task<Outcome<AdminUser>> ChangeAsync(Guid id, Action<User> change, string? revokeSessionsWith, DateTimeOffset now, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return NotFound;
        }
        change(user);
        user.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        if (revokeSessionsWith is not null)
        {
            await sessions.RevokeAllForUserAsync(user.Id, revokeSessionsWith, now, ct);
        }
        await cache.InvalidateAsync(user.Id);
        return new AdminUser(user.Id, user.Username, user.Email, user.DateJoined, user.IsActive, user.IsStaff, user.LastLogin,
            user.EmailVerifiedAt is not null, user.EmailVerifiedAt);
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
