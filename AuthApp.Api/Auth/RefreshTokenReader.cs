using AuthApp.Api.Tokens;

namespace AuthApp.Api.Auth;

/// <summary>A presented refresh token, read and checked (signature, type, lifetime) before the database is asked.</summary>
public sealed class RefreshTokenReader(TokenService tokens)
{
    private const int MaximumLength = 4096;

    public async Task<Outcome<TokenIdentifiers>> ReadAsync(string? refreshToken)
    {
        if (string.IsNullOrWhiteSpace(refreshToken))
        {
            return new Error(ErrorCodes.RefreshTokenMissing,
                "Send the refresh token in the X-Refresh-Token header or as refresh_token in the body.");
        }
        if (refreshToken.Length > MaximumLength)
        {
            return Invalid;
        }
        var (claims, error) = await tokens.ReadRefreshTokenAsync(refreshToken.Trim());
        return error switch
        {
            TokenReadError.None => claims!,
            TokenReadError.Expired => new Error(ErrorCodes.RefreshTokenExpired, "The refresh token has expired. Log in again."),
            _ => Invalid,
        };
    }

    private static readonly Error Invalid = new(ErrorCodes.RefreshTokenInvalid, "The refresh token is not valid.");
}
