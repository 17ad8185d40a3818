using AuthApp.Api.Passwords;
using AuthApp.Api.Recovery;
using AuthApp.Api.Tokens;
using AuthApp.Data;
using AuthApp.Data.Passwords;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

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
    Factors.StepUp stepUp,
    IOptions<UserOptions> policy)
{
    /// <summary>A token whose account was deleted or deactivated since it was issued.</summary>
    public static readonly Error AccountGone = new(ErrorCodes.TokenInvalid, "The account for this token no longer exists or is inactive.");

    public async Task<Outcome<CreatedUserResponse>> CreateAsync(CreateUserRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var errors = ValidateRegistration(request);
        if (!errors.Any)
        {
            await CheckNamesAreFreeAsync(request, errors, ct);
        }
        if (errors.Any)
        {
            return Error.Validation(errors);
        }

        var hash = await hashing.HashAsync(request.Password!, ct);
        if (hash.Error is { } busy)
        {
            return busy;
        }
        var user = User.NewAccount(request.Username!, request.Email!, hash.Value!, now.TruncateToMicroseconds());
        db.Users.Add(user);
        // Under the confirmation policy the account and its first confirmation link are committed together.
        var confirmation = policy.Value.RequireVerifiedEmail && (await accountMail.QueueConfirmationAsync(user, user.DateJoined, ct)).Queued;
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

    private FieldErrors ValidateRegistration(CreateUserRequest request)
    {
        var errors = new FieldErrors();
        errors.Add("username", UserRules.ValidateUsername(request.Username));
        errors.Add("email", UserRules.ValidateEmail(request.Email));
        errors.Add("password", request.Password is null
            ? [UserRules.Required]
            : passwordValidator.Validate(request.Password, request.Username, request.Email));
        return errors;
    }

    /// <summary>A friendly early answer; the unique indexes stay the last word (see <see cref="TrySaveAsync"/>).</summary>
    private async Task CheckNamesAreFreeAsync(CreateUserRequest request, FieldErrors errors, CancellationToken ct)
    {
        var normalizedUsername = UserNormalization.Username(request.Username!);
        var normalizedEmail = UserNormalization.Email(request.Email!);
        if (await db.Users.AnyAsync(u => u.NormalizedUsername == normalizedUsername, ct))
        {
            errors.Add("username", UserRules.UsernameTaken);
        }
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalizedEmail, ct))
        {
            errors.Add("email", UserRules.EmailTaken);
        }
    }

    public async Task<Outcome<UserProfile>> UpdateAsync(AccessToken caller, UpdateUserRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == caller.Ids.UserId && u.IsActive, ct);
        if (user is null)
        {
            return AccountGone;
        }

        var errors = new FieldErrors();
        var newUsername = await CheckNewUsernameAsync(user, request.Username, errors, ct);
        var newEmail = await CheckNewEmailAsync(user, request.Email, errors, ct);
        var changesPassword = CheckPasswordChange(user, request, errors);
        if (errors.Any)
        {
            return Error.Validation(errors);
        }
        if ((changesPassword || newEmail is not null) && await stepUp.CheckAsync(user.Id,
            new Factors.FactorChangeProof(request.SecondFactorCode, request.SecondFactorPasskey), now, ct) is { } notProven)
        {
            return notProven;
        }
        if (changesPassword && await ChangePasswordAsync(user, request, now, ct) is { } refused)
        {
            return refused;
        }
        if (newUsername is not null)
        {
            user.Username = request.Username!.Trim();
            user.NormalizedUsername = newUsername;
        }
        var confirmation = newEmail is not null && await ChangeEmailAsync(user, request.Email!, newEmail, now, ct);
        user.UpdatedAt = now;

        var revoked = changesPassword
            ? await TrySaveWithNewCredentialsAsync(user.Id, caller.Ids.SessionId, errors, now, ct)
            : await TrySaveAsync(errors, ct) ? PendingRevocation.None : null;
        if (revoked is null)
        {
            return Error.Validation(errors);
        }
        await sessions.PublishAsync(revoked);
        if (confirmation)
        {
            accountMail.WakeSender();
        }
        await cache.InvalidateAsync(user.Id);
        return UserProfile.Of(user);
    }

    /// <summary>
    /// The new password, the account's new security stamp and the end of every other session commit together, so no
    /// failure between them can leave a changed password with the old sessions alive, and no login that checked the old
    /// password can open a session after it. Null when a unique index refused the change (a field error).
    /// </summary>
    private async Task<PendingRevocation?> TrySaveWithNewCredentialsAsync(Guid userId, Guid keptSessionId, FieldErrors errors,
        DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            var revoked = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, ct); // the user's row first: its lock
                var ended = await sessions.EndCredentialsInTransactionAsync(userId, keptSessionId, SessionRevocationReasons.PasswordChange, now, ct);
                await transaction.CommitAsync(ct);
                return ended;
            });
            db.ChangeTracker.AcceptAllChanges();
            return revoked;
        }
        catch (DbUpdateException ex) when (TakenField(ex) is { } field)
        {
            RecordTaken(field, errors);
            return null;
        }
    }

    /// <summary>
    /// The normalized new username, or null when the request keeps the stored one. A value equal to the stored one is
    /// kept as it is: a legacy username imported from Django stays valid until its owner changes it, and then the rules
    /// for new values apply. Keeping one's own name in another case is not "taken".
    /// </summary>
    private async Task<string?> CheckNewUsernameAsync(User user, string? requested, FieldErrors errors, CancellationToken ct)
    {
        if (requested is null || requested.Trim() == user.Username)
        {
            return null;
        }
        errors.Add("username", UserRules.ValidateUsername(requested));
        var normalized = UserNormalization.Username(requested);
        if (!errors.Has("username") && normalized != user.NormalizedUsername &&
            await db.Users.AnyAsync(u => u.NormalizedUsername == normalized, ct))
        {
            errors.Add("username", UserRules.UsernameTaken);
        }
        return normalized;
    }

    /// <summary>The normalized new e-mail, or null when the request keeps the stored one (as for usernames).</summary>
    private async Task<string?> CheckNewEmailAsync(User user, string? requested, FieldErrors errors, CancellationToken ct)
    {
        if (requested is null || requested.Trim() == user.Email)
        {
            return null;
        }
        errors.Add("email", UserRules.ValidateEmail(requested));
        var normalized = UserNormalization.Email(requested);
        if (!errors.Has("email") && normalized != user.NormalizedEmail &&
            await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, ct))
        {
            errors.Add("email", UserRules.EmailTaken);
        }
        return normalized;
    }

    /// <summary>Whether the request changes the password; the field errors of that change, except the current password's.</summary>
    private bool CheckPasswordChange(User user, UpdateUserRequest request, FieldErrors errors)
    {
        if (request.Password is null && request.ConfirmPassword is null)
        {
            return false;
        }
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
        return true;
    }

    /// <summary>
    /// Verifies the current password, then sets the new hash; null when done. Checked after every other rule: it is the
    /// costly step, and a wrong current password must not reveal other errors' absence.
    /// </summary>
    private async Task<Error?> ChangePasswordAsync(User user, UpdateUserRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var verified = await hashing.VerifyAsync(user.PasswordHash, request.CurrentPassword!, ct);
        if (verified.Error is { } busy)
        {
            return busy;
        }
        if (verified.Value == PasswordVerification.Failed)
        {
            return Error.Validation("current_password", "Current password is incorrect.");
        }
        var hash = await hashing.HashAsync(request.Password!, ct);
        if (hash.Error is { } stillBusy)
        {
            return stillBusy;
        }
        user.PasswordHash = hash.Value!;
        // Reset links mailed before the change would undo it.
        await accountTokens.VoidOutstandingAsync(user.Id, [AccountTokenPurposes.PasswordReset], now, ct);
        return null;
    }

    /// <summary>
    /// Sets the new address. A new address (not the same one in another case) is unconfirmed until its owner opens the
    /// link mailed to it, and links sent to the old one die. True when a confirmation was queued.
    /// </summary>
    private async Task<bool> ChangeEmailAsync(User user, string requested, string normalized, DateTimeOffset now, CancellationToken ct)
    {
        var addressChanged = normalized != user.NormalizedEmail;
        user.Email = UserNormalization.EmailForDisplay(requested);
        user.NormalizedEmail = normalized;
        if (!addressChanged)
        {
            return false;
        }
        user.EmailVerifiedAt = null;
        await accountTokens.VoidOutstandingAsync(user.Id, [AccountTokenPurposes.PasswordReset, AccountTokenPurposes.EmailConfirmation], now, ct);
        return (await accountMail.QueueConfirmationAsync(user, now, ct)).Queued;
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
        catch (DbUpdateException ex) when (TakenField(ex) is { } field)
        {
            RecordTaken(field, errors);
            return false;
        }
    }

    private void RecordTaken(string field, FieldErrors errors)
    {
        db.ChangeTracker.Clear();
        errors.Add(field, field == "username" ? UserRules.UsernameTaken : UserRules.EmailTaken);
    }

    /// <summary>"username" or "email" when the save broke that unique index; null for any other failure.</summary>
    private static string? TakenField(DbUpdateException ex) =>
        ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique
            ? unique.ConstraintName?.Contains("username", StringComparison.Ordinal) == true ? "username" : "email"
            : null;
}
