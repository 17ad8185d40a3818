using AuthApp.Api.Common;
using AuthApp.Api.Data;
using AuthApp.Api.Passwords;
using AuthApp.Api.Tokens;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AuthApp.Api.Users;

/// <summary>Either the value, or field errors (400), or "the account behind the token is gone" (401).</summary>
public sealed record UserOutcome<T>(T? Value, Dictionary<string, string[]>? Errors = null, bool AccountGone = false)
{
    public static UserOutcome<T> Invalid(Dictionary<string, string[]> errors) => new(default, errors);
    public static readonly UserOutcome<T> Gone = new(default, null, AccountGone: true);
}

/// <summary>Registration and self-service profile changes.</summary>
public sealed class UserService(
    AuthDbContext db,
    PasswordHasher hasher,
    PasswordHashingGate hashing,
    PasswordValidator passwordValidator,
    SessionRevoker sessions,
    UserCache cache,
    TimeProvider time)
{
    public async Task<UserOutcome<CreatedUserResponse>> CreateAsync(CreateUserRequest request, CancellationToken ct)
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
            return UserOutcome<CreatedUserResponse>.Invalid(errors.ToDictionary());
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
            return UserOutcome<CreatedUserResponse>.Invalid(errors.ToDictionary());
        }

        var password = request.Password!;
        var now = time.GetUtcNow().TruncateToMicroseconds();
        var user = new User
        {
            Id = Guid.CreateVersion7(now),
            Username = username,
            NormalizedUsername = normalizedUsername,
            Email = UserNormalization.EmailForDisplay(request.Email!),
            NormalizedEmail = normalizedEmail,
            PasswordHash = await hashing.RunAsync(() => hasher.Hash(password), ct),
            IsActive = true,
            DateJoined = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);
        if (await TrySaveAsync(errors, ct) is false)
        {
            return UserOutcome<CreatedUserResponse>.Invalid(errors.ToDictionary());
        }
        return new(new CreatedUserResponse(user.Id, user.Username, user.Email, user.DateJoined, user.IsActive));
    }

    public async Task<UserOutcome<UserProfile>> UpdateAsync(Guid userId, Guid currentSessionId, UpdateUserRequest request, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId && u.IsActive, ct);
        if (user is null)
        {
            return UserOutcome<UserProfile>.Gone;
        }

        var errors = new FieldErrors();
        string? newNormalizedUsername = null, newNormalizedEmail = null;
        if (request.Username is not null)
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
        if (request.Email is not null)
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
            return UserOutcome<UserProfile>.Invalid(errors.ToDictionary());
        }

        if (changesPassword)
        {
            // Checked last: it is the costly step, and a wrong current password must not reveal other errors' absence.
            var current = request.CurrentPassword!;
            var verified = await hashing.RunAsync(() => hasher.Verify(user.PasswordHash, current), ct);
            if (verified == PasswordVerification.Failed)
            {
                return UserOutcome<UserProfile>.Invalid(new() { ["current_password"] = ["Current password is incorrect."] });
            }
            var newPassword = request.Password!;
            user.PasswordHash = await hashing.RunAsync(() => hasher.Hash(newPassword), ct);
        }
        if (request.Username is not null)
        {
            user.Username = request.Username.Trim();
            user.NormalizedUsername = newNormalizedUsername!;
        }
        if (request.Email is not null)
        {
            user.Email = UserNormalization.EmailForDisplay(request.Email);
            user.NormalizedEmail = newNormalizedEmail!;
        }
        user.UpdatedAt = time.GetUtcNow();

        if (await TrySaveAsync(errors, ct) is false)
        {
            return UserOutcome<UserProfile>.Invalid(errors.ToDictionary());
        }
        await cache.InvalidateAsync(user.Id);
        if (changesPassword)
        {
            await sessions.RevokeAllForUserAsync(user.Id, SessionRevocationReasons.PasswordChange, ct, exceptSessionId: currentSessionId);
        }
        return new(new UserProfile(user.Id, user.Username, user.Email, user.DateJoined, user.IsActive, user.IsStaff));
    }

    public Task<Page<PublicUser>> ListAsync(KeysetCursor? after, int limit, CancellationToken ct) =>
        UserPaging.PageAsync(db.Users.AsNoTracking().Where(u => u.IsActive), after, limit,
            u => new PublicUser(u.Id, u.Username, u.DateJoined), row => new KeysetCursor(row.DateJoined, row.Id), ct);

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
