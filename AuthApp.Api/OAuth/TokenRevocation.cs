using AuthApp.Api.Tokens;
using AuthApp.Data;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthApp.Api.OAuth;

/// <summary>
/// RFC 7009 revocation of an AuthApp token (OpenIddict has authenticated the caller and read the token through
/// <see cref="ReadAuthAppToken"/>): the token's session ends, as a logout ends it. For a user's token that is the
/// whole login — its refresh token and every access token issued with it; a client's grant is a session of its own.
/// </summary>
public sealed class RevokeAuthAppToken(SessionRevoker revoker, TimeProvider time) : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleRevocationRequestContext>()
            .UseScopedHandler<RevokeAuthAppToken>()
            .SetOrder(OpenIddictServerHandlers.Revocation.AttachPrincipal.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        if (context.GenericTokenPrincipal?.GetClaim(TokenClaims.SessionId) is { } sid && Guid.TryParse(sid, out var sessionId))
        {
            await revoker.RevokeSessionAsync(sessionId, SessionRevocationReasons.TokenRevoked, time.GetUtcNow(), context.CancellationToken);
        }
    }
}
