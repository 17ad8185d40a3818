using System.Linq.Expressions;
using AuthApp.Api.Audit;
using AuthApp.Api.Tokens;
using AuthApp.Api.Users;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.Admin;

/// <summary>
/// The original's Django admin, as an API for staff. Every change is written with its audit entry in one
/// PostgreSQL transaction; the Redis side effects (blacklist, profile cache) follow the commit.
/// </summary>
public sealed class AdminService(AuthDbContext db, SessionRevoker sessions, UserCache cache, AuditService audit,
    Email.MailOutbox outbox, Microsoft.Extensions.Options.IOptions<Email.EmailOptions> email, Factors.AuthenticatorApps factors)
{
    private const int SearchMaxLength = UserRules.EmailMaxLength;
    private static readonly Error NotFound = new(ErrorCodes.UserNotFound, "No user has this id.");
    private static readonly Error NoSuchSession = new(ErrorCodes.SessionNotFound, "This user has no active session with this id.");

    public async Task<Outcome<Page<AdminUser>>> ListAsync(AdminUserQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var page = PageQuery.Read(query.Cursor, query.Limit, errors);
        var search = query.Search;
        if (search is { Length: > SearchMaxLength })
        {
            errors.Add("search", $"Ensure this field has no more than {SearchMaxLength} characters.");
        }
        else if (search is not null && search.Any(char.IsControl))
        {
            errors.Add("search", "The search may not contain control characters.");
        }
        var isActive = ReadFlag(query.IsActive, "is_active", errors);
        var isStaff = ReadFlag(query.IsStaff, "is_staff", errors);
        if (errors.Any)
        {
            return Error.Validation(errors);
        }

        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = $"%{EscapeLike(search.Trim())}%";
            users = users.Where(u => EF.Functions.ILike(u.Username, pattern, "\\") || EF.Functions.ILike(u.Email, pattern, "\\"));
        }
        if (isActive is { } active)
        {
            users = users.Where(u => u.IsActive == active);
        }
        if (isStaff is { } staff)
        {
            users = users.Where(u => u.IsStaff == staff);
        }
        return await UserPaging.PageAsync(users, page,
            AsAdminUser, row => new KeysetCursor(row.DateJoined, row.Id), ct);
    }

    public async Task<Outcome<AdminUser>> GetAsync(Guid id, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(AsAdminUser)
            .SingleOrDefaultAsync(ct);
        return user is null ? NotFound : user;
    }

    /// <summary>
    /// Live sessions, newest first: not revoked, before their absolute end, with a refresh token still able to renew them.
    /// The last refresh is when the session's newest refresh token was issued (its login, if never refreshed).
    /// </summary>
    public async Task<Outcome<Page<AdminSession>>> ListSessionsAsync(Guid id, string? cursor, string? limit, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var page = PageQuery.Read(cursor, limit, errors);
        if (errors.Any)
        {
            return Error.Validation(errors);
        }
        if (!await db.Users.AnyAsync(u => u.Id == id, ct))
        {
            return NotFound;
        }

        var live = db.Sessions.AsNoTracking()
            .Where(s => s.UserId == id && s.RevokedAt == null && s.ExpiresAt > now && s.RefreshExpiresAt > now);
        if (page.After is { } after)
        {
            live = live.Where(s => EF.Functions.LessThan(ValueTuple.Create(s.CreatedAt, s.Id), ValueTuple.Create(after.At, after.Id)));
        }
        var rows = await live.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Take(page.Limit + 1)
            .Select(s => new AdminSession(s.Id, s.CreatedAt, s.RefreshIssuedAt, s.ExpiresAt, s.RefreshExpiresAt))
            .ToListAsync(ct);
        return Page<AdminSession>.FromRows(rows, page.Limit, row => new KeysetCursor(row.CreatedAt, row.Id));
    }

    /// <summary>Deactivation ends every session at once: refresh tokens in PostgreSQL, access tokens through the blacklist.</summary>
    public Task<Outcome<AdminUser>> SetActiveAsync(Guid id, bool active, StaffActor actor, DateTimeOffset now, CancellationToken ct) =>
        ChangeAsync(id, active ? AuditActions.Activate : AuditActions.Deactivate, user => user.IsActive = active,
            revokeSessionsWith: active ? null : SessionRevocationReasons.Deactivated, actor, now, ct);

    /// <summary>
    /// Losing staff also ends the user's sessions: access tokens carry the role claim, and a demoted
    /// account must not keep staff powers for the rest of a token's lifetime.
    /// </summary>
    public Task<Outcome<AdminUser>> SetStaffAsync(Guid id, bool staff, StaffActor actor, DateTimeOffset now, CancellationToken ct) =>
        ChangeAsync(id, staff ? AuditActions.GrantStaff : AuditActions.RevokeStaff, user => user.IsStaff = staff,
            revokeSessionsWith: staff ? null : SessionRevocationReasons.AdminRevoked, actor, now, ct);

    public Task<Outcome<AdminUser>> RevokeSessionsAsync(Guid id, StaffActor actor, DateTimeOffset now, CancellationToken ct) =>
        ChangeAsync(id, AuditActions.RevokeSessions, _ => { }, SessionRevocationReasons.AdminRevoked, actor, now, ct);

    /// <summary>Ends one live session of the user; its refresh and access tokens stop at once.</summary>
    public async Task<Outcome<AdminUser>> RevokeSessionAsync(Guid id, Guid sessionId, StaffActor actor, DateTimeOffset now, CancellationToken ct)
    {
        var subject = sessionId.ToString();
        var (user, revoked, error) = await InTransactionAsync(async () =>
        {
            var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, ct);
            if (user is null)
            {
                audit.Add(AuditService.Entry(actor, AuditActions.RevokeSession, AuditOutcomes.NotFound, now, id, subject: subject));
                return (null, PendingRevocation.None, NotFound);
            }
            var ids = await sessions.RevokeInTransactionAsync(user.Id, sessionId, SessionRevocationReasons.AdminRevoked, now, ct);
            var outcome = ids.Count == 0 ? AuditOutcomes.NotFound : AuditOutcomes.Succeeded;
            audit.Add(AuditService.Entry(actor, AuditActions.RevokeSession, outcome, now, user.Id, user.Username, subject));
            return (user, ids, ids.Count == 0 ? NoSuchSession : null);
        }, ct);
        if (error is not null)
        {
            return error;
        }
        await sessions.PublishAsync(revoked);
        return ToAdminUser(user!);
    }

    /// <summary>
    /// A user lost their authenticator app: staff remove it and its recovery codes (the password alone signs in until a new
    /// one is enrolled), audited, and the user is mailed — all in one transaction.
    /// </summary>
    public async Task<Outcome<AdminUser>> ResetFactorsAsync(Guid id, StaffActor actor, DateTimeOffset now, CancellationToken ct)
    {
        var (user, _, error) = await InTransactionAsync(async () =>
        {
            var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, ct);
            if (user is null)
            {
                audit.Add(AuditService.Entry(actor, AuditActions.ResetFactors, AuditOutcomes.NotFound, now, id));
                return (null, PendingRevocation.None, NotFound);
            }
            await db.TotpAuthenticators.Where(t => t.UserId == id).ExecuteDeleteAsync(ct);
            await db.RecoveryCodes.Where(c => c.UserId == id).ExecuteDeleteAsync(ct);
            await db.Passkeys.Where(p => p.UserId == id).ExecuteDeleteAsync(ct);
            audit.Add(AuditService.Entry(actor, AuditActions.ResetFactors, AuditOutcomes.Succeeded, now, user.Id, user.Username));
            await outbox.EnqueueAsync(user.Email, user.NormalizedEmail,
                Email.MailTemplates.FactorsReset(FactorsResetMail, email.Value.ProductName, user.Username, now), now, ct,
                securityNotice: true);
            return (user, PendingRevocation.None, (Error?)null);
        }, ct);
        if (error is not null)
        {
            return error;
        }
        outbox.WakeSender();
        return ToAdminUser(user!);
    }

    public const string FactorsResetMail = "factors_reset";

    /// <summary>Which second factors a user has, for staff.</summary>
    public async Task<Outcome<Factors.FactorsResponse>> GetFactorsAsync(Guid id, CancellationToken ct)
    {
        if (!await db.Users.AnyAsync(u => u.Id == id, ct))
        {
            return NotFound;
        }
        return await factors.DescribeAsync(id, ct);
    }

    private async Task<Outcome<AdminUser>> ChangeAsync(Guid id, string action, Action<User> change, string? revokeSessionsWith,
        StaffActor actor, DateTimeOffset now, CancellationToken ct)
    {
        var (user, revoked, error) = await InTransactionAsync(async () =>
        {
            var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, ct);
            if (user is null)
            {
                audit.Add(AuditService.Entry(actor, action, AuditOutcomes.NotFound, now, id));
                return (null, PendingRevocation.None, NotFound);
            }
            change(user);
            user.UpdatedAt = now;
            var ids = revokeSessionsWith is null
                ? PendingRevocation.None
                : await sessions.EndCredentialsInTransactionAsync(user.Id, null, revokeSessionsWith, now, ct);
            audit.Add(AuditService.Entry(actor, action, AuditOutcomes.Succeeded, now, user.Id, user.Username));
            return (user, ids, (Error?)null);
        }, ct);
        if (error is not null)
        {
            return error;
        }
        await sessions.PublishAsync(revoked);
        await cache.InvalidateAsync(user!.Id);
        return ToAdminUser(user);
    }

    /// <summary>Runs <paramref name="work"/> and saves what it changed, audit entry included, in one transaction (retried as a whole).</summary>
    private async Task<(User? User, PendingRevocation Revoked, Error? Error)> InTransactionAsync(
        Func<Task<(User?, PendingRevocation, Error?)>> work, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var result = await work();
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return result;
        });
    }

    // One projection for queries (translated to SQL) and, compiled, for an entity already loaded.
    private static readonly Expression<Func<User, AdminUser>> AsAdminUser = u =>
        new AdminUser(u.Id, u.Username, u.Email, u.DateJoined, u.IsActive, u.IsStaff, u.LastLogin, u.EmailVerifiedAt != null, u.EmailVerifiedAt);
    private static readonly Func<User, AdminUser> ToAdminUser = AsAdminUser.Compile();

    private static bool? ReadFlag(string? value, string field, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        if (bool.TryParse(value, out var flag))
        {
            return flag;
        }
        errors.Add(field, "Must be true or false.");
        return null;
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
