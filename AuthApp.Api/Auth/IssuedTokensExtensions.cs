using AuthApp.Api.Tokens;

namespace AuthApp.Api.Auth;

public static class IssuedTokensExtensions
{
    /// <summary>Seconds until the access token expires, from the same <paramref name="now"/> that issued it.</summary>
    public static int ExpiresIn(this IssuedTokens pair, DateTimeOffset now) => (int)Math.Max(0, (pair.AccessExpiresAt - now).TotalSeconds);
}
