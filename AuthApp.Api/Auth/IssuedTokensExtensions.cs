using AuthApp.Api.Tokens;
using AuthApp.Data;

namespace AuthApp.Api.Auth;

public static class IssuedTokensExtensions
{
    /// <summary>The server-side record of the pair's refresh token, spent by the next refresh.</summary>
    public static RefreshToken ToRefreshRow(this IssuedTokens pair, Guid sessionId, DateTimeOffset now) =>
        new() { Jti = pair.RefreshJti, SessionId = sessionId, IssuedAt = now, ExpiresAt = pair.RefreshExpiresAt };

    /// <summary>Seconds until the access token expires, from the same <paramref name="now"/> that issued it.</summary>
    public static int ExpiresIn(this IssuedTokens pair, DateTimeOffset now) => (int)Math.Max(0, (pair.AccessExpiresAt - now).TotalSeconds);
}
