using AuthApp.Api.Passwords;
using AuthApp.Api.Recovery;
using AuthApp.Api.Tokens;
using AuthApp.Data;
using AuthApp.Data.Passwords;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace AuthApp.Api.Users;

/// <summary>Registration, the caller's own profile and its changes, and the public list.</summary>
public sealed class UserService(
    AuthDbContext db,
    PasswordHashingGate hashing,
    PasswordValidator passwordValidator,
    SessionRevoker sessions,
    UserCache cache,
    AccountTokens accountTokens,
    AccountMail accountMail,
    IOptions<UserOptions> policy)
{
    /// <summary>A token whose account was deleted or deactivated since it was issued.</summary>
    private static readonly Error AccountGone = new(ErrorCodes.TokenInvalid, "The account for this token no longer exists or is inactive.");

    public async Task<Outcome<CreatedUserResponse>> CreateAsync(CreateUserRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Add("username", UserRules.ValidateUsername(request.Username));
        errors.Add("email", UserRules.ValidateEmail(request.Email));
        if (request.Password is null)
        {
            errors.Add("password", UserRules.Required);
        }
        else
        {
            errors.Add("password", passwordValidator.Validate(request.Password, request.Username, request.Email));
        }
        if (errors.Any)
        {
            return Error.Validation(errors);
        }

        var username = request.Username!.Trim();
        var normalizedUsername = UserNormalization.Username(username);
        var normalizedEmail = UserNormalization.Email(request.Email!);
        if (await db.Users.AnyAsync(u => u.NormalizedUsername == normalizedUsername, ct))
        {
            errors.Add("username", UserRules.UsernameTaken);
        }
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalizedEmail, ct))
        {
            errors.Add("email", UserRules.EmailTaken);
        }
        if (errors.Any)
        {
            return Error.Validation(errors);
        }

        var password = request.Password!;
        var hash = await hashing.HashAsync(password, ct);
        if (hash.Error is { } busy)
        {
            return busy;
        }
        var joined = now.TruncateToMicroseconds();
        var user = new User
        {
            Id = Guid.CreateVersion7(joined),
            Username = username,
            NormalizedUsername = normalizedUsername,
            Email = UserNormalization.EmailForDisplay(request.Email!),
            NormalizedEmail = normalizedEmail,
            PasswordHash = hash.Value!,
            IsActive = true,
            DateJoined = joined,
            UpdatedAt = joined,
        };
        db.Users.Add(user);
        // Under the confirmation policy the account and its first confirmation link are committed together.
        var confirmation = policy.Value.RequireVerifiedEmail && (await accountMail.QueueConfirmationAsync(user, joined, ct)).Queued;
        if (await TrySaveAsync(errors, ct) is false)
        {
            return Error.Validation(errors);
        }
        if (confirmation)
        {
            accountMail.WakeSender();
        }
        return new CreatedUserResponse(user.Id, user.Username, user.Email, user.DateJoined, user.IsActive);
    }

    /// <summary>The caller's profile, from the cache; an inactive or deleted account is refused like a bad token.</summary>
    /// <param name="cachedEntry">The cache entry as read with the request's revocation check, if it was.</param>
    public async Task<Outcome<UserProfile>> GetProfileAsync(Guid userId, RedisValue? cachedEntry, CancellationToken ct) =>
        await cache.GetAsync(userId, cachedEntry, ct) is { IsActive: true } profile ? profile : AccountGone;

    public async Task<Outcome<UserProfile>> UpdateAsync(AccessToken caller, UpdateUserRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == caller.Ids.UserId && u.IsActive, ct);
        if (user is null)
        {
            return AccountGone;
        }

        var errors = new FieldErrors();
        string? newNormalizedUsername = null, newNormalizedEmail = null;
        // A value equal to the stored one is kept as it is: a legacy username or e-mail imported from Django
        // stays valid until its owner changes it, and then the rules for new values apply.
        if (request.Username is not null && request.Username.Trim() != user.Username)
        {
            errors.Add("username", UserRules.ValidateUsername(request.Username));
            newNormalizedUsername = UserNormalization.Username(request.Username);
            // Keeping one's own name (in any case) is not "taken".
            if (!errors.Has("username") && newNormalizedUsername != user.NormalizedUsername &&
                await db.Users.AnyAsync(u => u.NormalizedUsername == newNormalizedUsername, ct))
            {
                errors.Add("username", UserRules.UsernameTaken);
            }
        }
        if (request.Email is not null && request.Email.Trim() != user.Email)
        {
            errors.Add("email", UserRules.ValidateEmail(request.Email));
            newNormalizedEmail = UserNormalization.Email(request.Email);
            if (!errors.Has("email") && newNormalizedEmail != user.NormalizedEmail &&
                await db.Users.AnyAsync(u => u.NormalizedEmail == newNormalizedEmail, ct))
            {
                errors.Add("email", UserRules.EmailTaken);
            }
        }

        var changesPassword = request.Password is not null || request.ConfirmPassword is not null;
        if (changesPassword)
        {
            if (request.Password is null)
            {
                errors.Add("password", UserRules.Required);
            }
            else if (request.ConfirmPassword is null)
            {
                errors.Add("confirm_password", UserRules.Required);
            }
            else if (request.Password != request.ConfirmPassword)
            {
                errors.Add("confirm_password", "Passwords do not match.");
            }
            else
            {
                errors.Add("password", passwordValidator.Validate(request.Password,
                    request.Username ?? user.Username, request.Email ?? user.Email));
            }
            if (string.IsNullOrEmpty(request.CurrentPassword))
            {
                errors.Add("current_password", UserRules.Required);
            }
        }
        if (errors.Any)
        {
            return Error.Validation(errors);
        }

        if (changesPassword)
        {
            // Checked last: it is the costly step, and a wrong current password must not reveal other errors' absence.
            var current = request.CurrentPassword!;
            var verified = await hashing.VerifyAsync(user.PasswordHash, current, ct);
            if (verified.Error is { } busy)
            {
                return busy;
            }
            if (verified.Value == PasswordVerification.Failed)
            {
                return Error.Validation("current_password", "Current password is incorrect.");
            }
            var newPassword = request.Password!;
            var hash = await hashing.HashAsync(newPassword, ct);
            if (hash.Error is { } stillBusy)
            {
                return stillBusy;
            }
            user.PasswordHash = hash.Value!;
            // Reset links mailed before the change would undo it.
            await accountTokens.VoidOutstandingAsync(user.Id, [AccountTokenPurposes.PasswordReset], now, ct);
        }
        if (newNormalizedUsername is not null)
        {
            user.Username = request.Username!.Trim();
            user.NormalizedUsername = newNormalizedUsername!;
        }
        var addressChanged = newNormalizedEmail is not null && newNormalizedEmail != user.NormalizedEmail;
        if (newNormalizedEmail is not null)
        {
            user.Email = UserNormalization.EmailForDisplay(request.Email!);
            user.NormalizedEmail = newNormalizedEmail!;
        }
        var confirmation = false;
        if (addressChanged)
        {
            // A new address is unconfirmed until its owner opens the link mailed to it; links sent to the old one die.
            user.EmailVerifiedAt = null;
            await accountTokens.VoidOutstandingAsync(user.Id, [AccountTokenPurposes.PasswordReset, AccountTokenPurposes.EmailConfirmation], now, ct);
            confirmation = (await accountMail.QueueConfirmationAsync(user, now, ct)).Queued;
        }
        user.UpdatedAt = now;

        if (await TrySaveAsync(errors, ct) is false)
        {
            return Error.Validation(errors);
        }
        if (confirmation)
        {
            accountMail.WakeSender();
        }
        await cache.InvalidateAsync(user.Id);
        if (changesPassword)
        {
            await sessions.RevokeAllForUserAsync(user.Id, SessionRevocationReasons.PasswordChange, now, ct, exceptSessionId: caller.Ids.SessionId);
        }
        return UserProfile.Of(user);
    }

    public async Task<Outcome<Page<PublicUser>>> ListAsync(string? cursor, string? limit, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var page = PageQuery.Read(cursor, limit, errors);
        if (errors.Any)
        {
            return Error.Validation(errors);
        }
        return await UserPaging.PageAsync(db.Users.AsNoTracking().Where(u => u.IsActive), page,
            u => new PublicUser(u.Id, u.Username, u.DateJoined), row => new KeysetCursor(row.DateJoined, row.Id), ct);
    }

    /// <summary>The unique indexes are the last word: a concurrent registration that won the race turns into a field error.</summary>
    private async Task<bool> TrySaveAsync(FieldErrors errors, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            db.ChangeTracker.Clear();
            if (unique.ConstraintName?.Contains("username", StringComparison.Ordinal) == true)
            {
                errors.Add("username", UserRules.UsernameTaken);
            }
            else
            {
                errors.Add("email", UserRules.EmailTaken);
            }
            return false;
        }
    }
}
