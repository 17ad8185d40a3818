using AuthApp.Api.Tokens;
using AuthApp.Data;

namespace AuthApp.Api.Auth;

/// <summary>Log out: revoke the refresh token's session (and the access token's, if another) and blacklist the access token.</summary>
public sealed class LogoutHandler(RefreshTokenReader reader, SessionRevoker sessions, RevocationStore revocations)
{
    public async Task<Outcome<MessageResponse>> LogoutAsync(AccessToken access, string? refreshToken, DateTimeOffset now, CancellationToken ct)
    {
        // Logout's contract: a bad refresh token is 400 whatever the reason (revocation is not checked first),
        // which the reader's codes all are.
        var read = await reader.ReadAsync(refreshToken);
        if (read.Error is { } unreadable)
        {
            return unreadable;
        }
        var refresh = read.Value!;
        if (refresh.UserId != access.Ids.UserId)
        {
            return new Error(ErrorCodes.TokenUserMismatch, "The access and refresh tokens belong to different users.");
        }

        await sessions.RevokeSessionAsync(refresh.SessionId, SessionRevocationReasons.Logout, now, ct);
        if (access.Ids.SessionId != refresh.SessionId)
        {
            await sessions.RevokeSessionAsync(access.Ids.SessionId, SessionRevocationReasons.Logout, now, ct);
        }
        await revocations.BlacklistAccessTokenAsync(access.Ids.Jti, access.ExpiresAt);
        return new MessageResponse("Logout successful");
    }
}
