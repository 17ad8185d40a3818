using AuthApp.Admin.Api;
using Microsoft.Extensions.Options;

namespace AuthApp.Admin.Sessions;

/// <summary>
/// Keeps a console session's access token fresh: refreshed with rotation shortly before it expires, one refresh
/// at a time per session. When the API refuses the refresh (revoked, expired, reused), the console session ends.
/// </summary>
public sealed class SessionTokens(
    ApiAuthClient auth,
    ConsoleSessionStore store,
    IOptions<ConsoleSessionOptions> options,
    IOptions<ConsoleSignInOptions> signIn,
    TimeProvider time,
    ILogger<SessionTokens> logger)
{
    public async Task<string> AccessTokenAsync(ConsoleSession session, CancellationToken ct)
    {
        if (IsFresh(session))
        {
            return session.AccessToken;
        }
        await session.RefreshLock.WaitAsync(ct);
        try
        {
            if (IsFresh(session))
            {
                return session.AccessToken; // another request refreshed it meanwhile
            }
            var now = time.GetUtcNow();
            var refreshed = session.ThroughAuthApp
                ? await auth.RefreshAsClientAsync(session.RefreshToken, signIn.Value.ClientId!, signIn.Value.ClientSecret!, session.ClientAddress, ct)
                : await auth.RefreshAsync(session.RefreshToken, session.ClientAddress, ct);
            if (refreshed.Problem is { } problem)
            {
                store.Remove(session.Id);
                logger.LogInformation("The API refused to refresh the console session of {Username} ({Code}); it has ended", session.Username, problem.Code);
                throw new ConsoleSessionEndedException("Your session has ended. Sign in again.");
            }
            var pair = refreshed.Value!;
            session.SetTokens(pair.AccessToken, pair.RefreshToken, now + TimeSpan.FromSeconds(pair.ExpiresIn));
            return session.AccessToken;
        }
        finally
        {
            session.RefreshLock.Release();
        }
    }

    /// <summary>Ends the session here and at the API (best effort: a session the API already ended needs nothing more).</summary>
    public async Task SignOutAsync(ConsoleSession session, CancellationToken ct)
    {
        store.Remove(session.Id);
        try
        {
            var access = await AccessTokenAsync(session, ct);
            var logout = await auth.LogoutAsync(access, session.RefreshToken, session.ClientAddress, ct);
            if (logout.Problem is { } problem)
            {
                logger.LogInformation("The API refused the logout of {Username}'s console session ({Code})", session.Username, problem.Code);
            }
        }
        catch (ConsoleSessionEndedException)
        {
        }
        catch (ApiUnavailableException ex)
        {
            // Its refresh token is gone with this session; the API session lapses when that token expires.
            logger.LogWarning("Could not log {Username}'s console session out at the API: {Reason}", session.Username, ex.Message);
        }
    }

    private bool IsFresh(ConsoleSession session) => time.GetUtcNow() < session.AccessExpiresAt - options.Value.RefreshMargin;
}
