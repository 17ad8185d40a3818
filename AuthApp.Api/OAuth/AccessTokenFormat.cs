using System.Security.Claims;
using AuthApp.Api.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthApp.Api.OAuth;

/// <summary>
/// OpenIddict runs the protocol; the tokens are AuthApp's own. An access token OpenIddict issues is written by
/// <see cref="TokenService"/> (same issuer, same signing key as the original routes' tokens) instead of
/// OpenIddict's JWT writer, so that every validator — AuthApp's routes, a service with JwtBearer, the
/// client integration — sees one format, one key set and one <c>sid</c> to revoke.
/// </summary>
public sealed class WriteAccessToken(TokenService tokens) : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<WriteAccessToken>()
            .SetOrder(OpenIddictServerHandlers.Protection.GenerateIdentityModelToken.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType != TokenTypeIdentifiers.AccessToken || context.Principal is not { } principal)
        {
            return default;
        }
        if (UserTokens.Stashed(context.Transaction) is { } issued)
        {
            context.Token = issued.AccessToken; // a person's, from the code or refresh grant
            return default;
        }
        var clientId = principal.GetClaim(Claims.Subject) ?? throw new InvalidOperationException("A client access token needs a subject.");
        var sessionId = Guid.Parse(principal.GetClaim(TokenClaims.SessionId)
            ?? throw new InvalidOperationException("A client access token needs its session."));
        var issuedAt = principal.GetCreationDate() ?? throw new InvalidOperationException("OpenIddict sets the creation date.");
        var expiresAt = principal.GetExpirationDate() ?? throw new InvalidOperationException("OpenIddict sets the expiration date.");
        context.Token = tokens.IssueClientAccessToken(new ClientAccessGrant(clientId, sessionId, Guid.NewGuid(),
            [.. principal.GetScopes()], [.. principal.GetAudiences()], issuedAt, expiresAt));
        return default;
    }
}

/// <summary>
/// Introspection and revocation read AuthApp's tokens, whichever route issued them: a user's access or refresh
/// token from <c>/api/v1/user/…</c> or a client's access token from <c>/connect/token</c>. A revoked token (its
/// session ended: logout, reuse, password reset, deactivation, staff action, disabled client) is refused here,
/// which introspection reports as <c>active: false</c>.
/// </summary>
public sealed class ReadAuthAppToken(TokenService tokens, TokenStatus status) : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseScopedHandler<ReadAuthAppToken>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateIdentityModelToken.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.Principal is not null || string.IsNullOrEmpty(context.Token) || context.Token.Length > TokenService.MaximumTokenBytes)
        {
            return;
        }
        if (context.EndpointType is OpenIddictServerEndpointType.EndSession or OpenIddictServerEndpointType.Authorization
            && context.ValidTokenTypes.Contains(TokenTypeIdentifiers.IdentityToken))
        {
            await ReadIdTokenHintAsync(context);
            return;
        }
        if (await tokens.ReadAnyTokenAsync(context.Token) is not { } token)
        {
            return; // not one of ours (an authorization code, or a forgery): OpenIddict's own readers decide
        }
        // An app's refresh at the token endpoint: the rotation decides, so that a spent token is seen as reuse.
        var rotating = context.EndpointType == OpenIddictServerEndpointType.Token && token.Kind == IssuedTokenKind.UserRefresh;
        if (!rotating && !await status.IsLiveAsync(token, context.CancellationToken))
        {
            context.Reject(Errors.InvalidToken, "The token has been revoked.");
            return;
        }
        context.Principal = ToPrincipal(token);
    }

    /// <summary>An <c>id_token_hint</c> at end-session: one of AuthApp's ID tokens, its app as audience and presenter.</summary>
    private async Task ReadIdTokenHintAsync(ValidateTokenContext context)
    {
        if (await tokens.ReadIdTokenHintAsync(context.Token!) is not { } hint)
        {
            context.Reject(Errors.InvalidRequest, "The id_token_hint is not an ID token AuthApp issued.");
            return;
        }
        var identity = new ClaimsIdentity(OAuthFeature.AuthenticationType, Claims.Subject, Claims.Role);
        identity.SetClaim(Claims.Subject, hint.UserId.ToString());
        identity.SetClaim(TokenClaims.SessionId, hint.SessionId.ToString());
        identity.SetTokenType(TokenTypeIdentifiers.IdentityToken);
        identity.SetAudiences(hint.ClientId);
        identity.SetPresenters(hint.ClientId);
        context.Principal = new ClaimsPrincipal(identity);
    }

    /// <summary>
    /// The token as OpenIddict describes one. A client's token names its client as presenter and its services as
    /// audiences, so only they may introspect or revoke it; a user's token names neither, so any registered client
    /// that may introspect can ask about it (holding the token is what the question needs).
    /// </summary>
    private static ClaimsPrincipal ToPrincipal(IssuedToken token)
    {
        var identity = new ClaimsIdentity(OAuthFeature.AuthenticationType, Claims.Subject, Claims.Role);
        identity.SetClaim(Claims.Subject, token.Subject);
        identity.SetClaim(TokenClaims.SessionId, token.SessionId.ToString());
        identity.SetClaim(Claims.Username, token.Username);
        identity.SetTokenType(token.Kind == IssuedTokenKind.UserRefresh ? TokenTypeIdentifiers.RefreshToken : TokenTypeIdentifiers.AccessToken);
        identity.SetTokenId(token.Jti.ToString());
        identity.SetCreationDate(token.IssuedAt);
        identity.SetExpirationDate(token.ExpiresAt);
        identity.SetScopes(token.Scopes);
        if (token.ClientId is { } clientId)
        {
            identity.SetClaim(Claims.ClientId, clientId);
            identity.SetPresenters(clientId);
            identity.SetAudiences(token.Audiences);
        }
        return new ClaimsPrincipal(identity);
    }
}
