using AuthApp.Api.Factors;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.SignIn;

/// <summary>
/// Step-up on AuthApp's own pages: a change to how an account signs in (a passkey added or removed, an authenticator app
/// set up) needs this browser's session to have been opened — with the account's second factor — within
/// <see cref="Window"/>, like a "sudo mode". The JSON API asks for the factor in the request instead (<see cref="StepUp"/>).
/// </summary>
public sealed class FreshSignIn(LoginChallenges challenges, AuthDbContext db, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    public static readonly Error Stale = new(ErrorCodes.StepUpRequired,
        "To change how you sign in, sign out and sign in again (with your second factor) first.");

    /// <summary>The account has a second factor and this browser signed in longer ago than the window.</summary>
    public async Task<bool> IsStaleAsync(Guid userId, Guid browserSessionId, CancellationToken ct)
    {
        if ((await challenges.FactorsOfAsync(userId, ct)).Count == 0)
        {
            return false;
        }
        var openedAt = await db.Sessions.Where(s => s.Id == browserSessionId).Select(s => (DateTimeOffset?)s.CreatedAt).SingleOrDefaultAsync(ct);
        return openedAt is null || openedAt < time.GetUtcNow() - Window;
    }
}
