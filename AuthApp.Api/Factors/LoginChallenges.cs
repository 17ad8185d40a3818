using AuthApp.Api.Auth;
using AuthApp.Api.Sessions;
using AuthApp.Api.Throttling;
using AuthApp.Data;
using AuthApp.Data.Factors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Factors;

/// <summary>
/// A login of an account with a second factor, in two halves. The password half (<see cref="LoginHandler"/>) ends here
/// with a challenge instead of a session; the second half presents the challenge and a code. The challenge is single-use,
/// lives <see cref="Lifetime"/>, locks after <see cref="MaximumFailures"/> wrong codes in a row, dies with a change of the
/// account's security stamp, and every wrong code counts against the login's per-identifier throttle.
/// </summary>
public sealed class LoginChallenges(
    AuthDbContext db,
    AuthenticatorApps apps,
    RecoveryCodes recoveryCodes,
    Passkeys passkeys,
    RecoveryCodeNotices notices,
    RedisThrottle throttle,
    IOptions<ThrottleOptions> throttling,
    ApiTelemetry telemetry)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    public const int MaximumFailures = 5;
    private const string Purpose = "login_challenge";
    private static readonly Error Invalid = new(ErrorCodes.ChallengeInvalid,
        "This sign-in has expired, was already completed, or had too many wrong codes. Sign in again with your password.");

    /// <summary>The factors that can finish a login of this account; none when it has no second factor.</summary>
    public async Task<IReadOnlyList<string>> FactorsOfAsync(Guid userId, CancellationToken ct)
    {
        List<string> factors = await apps.IsEnrolledAsync(userId, ct) ? [FactorNames.Totp, FactorNames.RecoveryCode] : [];
        // Stored passkeys count even while passkeys are switched off: such an account then cannot finish a password
        // login (its options answer passkeys_unavailable) rather than falling back to the password alone.
        if (await passkeys.AnyAsync(userId, ct))
        {
            factors.Insert(0, FactorNames.Passkey);
        }
        return factors;
    }

    /// <summary>The factors a challenge's account can answer it with (none for a challenge that is not one).</summary>
    public async Task<IReadOnlyList<string>> FactorsOfChallengeAsync(string? text, CancellationToken ct)
    {
        if (!OneTimeToken.TryRead(text, Purpose, out var id, out _))
        {
            return [];
        }
        var userId = await db.LoginChallenges.Where(c => c.Id == id).Select(c => (Guid?)c.UserId).SingleOrDefaultAsync(ct);
        return userId is { } owner ? await FactorsOfAsync(owner, ct) : [];
    }

    /// <summary>
    /// The options for a passkey to answer a live challenge with: the challenge's account's passkeys. The challenge is not
    /// spent (the answer spends it).
    /// </summary>
    public async Task<Outcome<PasskeyCeremonyResponse>> BeginPasskeyAsync(string? text, DateTimeOffset now, CancellationToken ct)
    {
        if (!OneTimeToken.TryRead(text, Purpose, out var id, out var presented))
        {
            return Error.Validation("challenge", "Send the challenge the login answered with.");
        }
        var challenge = await db.LoginChallenges.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (!OneTimeToken.Matches(presented, challenge?.SecretHash) || challenge is not { EndedAt: null } || challenge.ExpiresAt <= now)
        {
            return Invalid;
        }
        return await passkeys.BeginAssertionAsync(challenge.UserId, PasskeyPurpose.SecondStep, now, ct);
    }

    /// <summary>The password was right: the challenge that stands in for the session, as the error the login answers with.</summary>
    public async Task<Error> IssueAsync(User user, string sessionKind, SessionOrigin origin, IReadOnlyList<string> factors,
        DateTimeOffset now, CancellationToken ct)
    {
        var (id, secretHash, text) = OneTimeToken.Create(Purpose);
        db.LoginChallenges.Add(new LoginChallenge
        {
            Id = id, UserId = user.Id, SecretHash = secretHash, SessionKind = sessionKind, SecurityStamp = user.SecurityStamp,
            CreatedAt = now, ExpiresAt = now + Lifetime, UserAgent = origin.UserAgent, Address = origin.Address,
        });
        await db.SaveChangesAsync(ct);
        return new Error(ErrorCodes.SecondFactorRequired, "The password is right; this account also needs a second factor.",
            Extensions: new Dictionary<string, object?>
            {
                ["challenge"] = text,
                ["factors"] = factors.ToArray(),
                ["expires_in"] = (int)Lifetime.TotalSeconds,
            });
    }

    /// <summary>
    /// The second half: a right code (its time step not used before) or an unused recovery code spends the challenge and
    /// yields the account and the session kind to open; a wrong one counts, and the fifth locks the challenge.
    /// </summary>
    public async Task<Outcome<(User User, LoginChallenge Challenge)>> AnswerAsync(SecondFactorRequest request, string sessionKind,
        DateTimeOffset now, CancellationToken ct)
    {
        if (!OneTimeToken.TryRead(request.Challenge, Purpose, out var id, out var presented))
        {
            return Error.Validation("challenge", "Send the challenge the login answered with.");
        }
        var answers = new[] { !string.IsNullOrWhiteSpace(request.Code), !string.IsNullOrWhiteSpace(request.RecoveryCode), request.Passkey is not null };
        if (answers.Count(given => given) != 1)
        {
            return Error.Validation("code", "Send one of: a code from the authenticator app, a recovery code, or a passkey.");
        }
        var challenge = await db.LoginChallenges.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (!OneTimeToken.Matches(presented, challenge?.SecretHash) || challenge is not { EndedAt: null }
            || challenge.ExpiresAt <= now || challenge.SessionKind != sessionKind)
        {
            return Invalid;
        }
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == challenge.UserId, ct);
        var byRecoveryCode = !string.IsNullOrWhiteSpace(request.RecoveryCode);
        bool right;
        if (request.Passkey is not null)
        {
            var verified = await passkeys.VerifyAssertionAsync(user.Id, PasskeyPurpose.SecondStep, request.Passkey, now, ct);
            if (verified.Error is { Code: ErrorCodes.ValidationFailed or ErrorCodes.PasskeysUnavailable } unusable)
            {
                return unusable;
            }
            right = verified.Error is null;
        }
        else
        {
            right = byRecoveryCode
                ? await recoveryCodes.SpendAsync(user.Id, request.RecoveryCode, now, ct)
                : await apps.AcceptAsync(user.Id, request.Code, now, ct);
        }
        if (!right)
        {
            return await CountFailureAsync(challenge, user, now, ct);
        }
        // Spent by exactly one answer, and only while the account is as the password half saw it.
        var spent = await db.LoginChallenges.Where(c => c.Id == id && c.EndedAt == null && c.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.EndedAt, now), ct) == 1;
        if (!spent || user.SecurityStamp != challenge.SecurityStamp || !user.IsActive)
        {
            return Invalid;
        }
        if (byRecoveryCode)
        {
            await notices.RecordUseAsync(user, challenge.Address, now, ct);
        }
        return (user, challenge);
    }

    private async Task<Error> CountFailureAsync(LoginChallenge challenge, User user, DateTimeOffset now, CancellationToken ct)
    {
        telemetry.LoginFailures.Add(1);
        // The password half counted under what the person typed, e-mail or username: both counters see a wrong code.
        var rule = throttling.Value.LoginFailuresPerIdentifier;
        await throttle.HitAsync(LoginHandler.IdentifierThrottle, user.NormalizedEmail, rule);
        await throttle.HitAsync(LoginHandler.IdentifierThrottle, user.NormalizedUsername, rule);
        var failures = await db.LoginChallenges.Where(c => c.Id == challenge.Id && c.EndedAt == null)
            .ExecuteUpdateAsync(set => set
                .SetProperty(c => c.FailedAttempts, c => c.FailedAttempts + 1)
                .SetProperty(c => c.EndedAt, c => c.FailedAttempts + 1 >= MaximumFailures ? (DateTimeOffset?)now : null), ct);
        var locked = failures == 0 || challenge.FailedAttempts + 1 >= MaximumFailures;
        return locked
            ? new Error(ErrorCodes.ChallengeInvalid, "Too many wrong codes: this sign-in is locked. Sign in again with your password.")
            : new Error(ErrorCodes.InvalidCode, "The code is not valid.",
                Extensions: new Dictionary<string, object?> { ["attempts_left"] = MaximumFailures - challenge.FailedAttempts - 1 });
    }
}
