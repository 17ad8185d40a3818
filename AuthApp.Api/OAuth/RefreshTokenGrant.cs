using AuthApp.Api.Auth;
using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthApp.Api.OAuth;

/// <summary>
/// An app refreshes at <c>/connect/token</c> with the same rotation as <c>/api/v1/user/refresh</c> (<see cref="RefreshHandler"/>):
/// of concurrent refreshes with one token exactly one wins, and a spent token presented again ends the session. The
/// token must be one of this app's sessions: another app's refresh token is refused.
/// </summary>
public sealed class RefreshTokenGrant(AuthDbContext db, RefreshHandler refresh, TimeProvider time)
    : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseScopedHandler<RefreshTokenGrant>()
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (!context.Request.IsRefreshTokenGrantType() || context.Principal is not { } principal)
        {
            return;
        }
        var sessionId = Guid.Parse(principal.GetClaim(TokenClaims.SessionId)!);
        var owner = await db.Sessions.Where(s => s.Id == sessionId).Select(s => s.ClientId).FirstOrDefaultAsync(context.CancellationToken);
        if (owner != context.Request.ClientId)
        {
            context.Reject(Errors.InvalidGrant, "The refresh token was not issued to this client.");
            return;
        }
        var rotated = await refresh.RefreshAsync(context.Request.RefreshToken, time.GetUtcNow(), context.CancellationToken);
        if (rotated.Error is { } error)
        {
            context.Reject(Errors.InvalidGrant, error.Detail);
            return;
        }
        UserTokens.Stash(context.Transaction, rotated.Value!.AccessToken, rotated.Value.RefreshToken, sessionId,
            principal.GetScopes());
        context.SignIn(principal);
    }
}
