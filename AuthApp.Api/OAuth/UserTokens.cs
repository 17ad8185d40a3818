using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthApp.Api.OAuth;

/// <summary>
/// A person's tokens at <c>/connect/token</c>: the grant (code or refresh) issues the access and refresh token with
/// AuthApp's rotation and stashes them in OpenIddict's transaction; the writers below hand them to OpenIddict instead of
/// its own, and write the ID token with the key ring.
/// </summary>
public static class UserTokens
{
    private const string Key = "authapp:user-tokens";

    /// <summary>What the grant issued, and for which session and scopes (the ID token's principal no longer says).</summary>
    public sealed record Issued(string AccessToken, string RefreshToken, Guid SessionId, IReadOnlyList<string> Scopes);

    public static void Stash(OpenIddictServerTransaction transaction, string access, string refresh, Guid sessionId,
        IEnumerable<string> scopes) =>
        transaction.Properties[Key] = new Issued(access, refresh, sessionId, [.. scopes]);

    public static Issued? Stashed(OpenIddictServerTransaction transaction) =>
        transaction.Properties.TryGetValue(Key, out var value) ? value as Issued : null;
}

/// <summary>
/// OpenIddict returns a new refresh token only while rolling tokens are on, which it turns off without token storage;
/// AuthApp's rotation spent the old one, so the new one must go back whenever the app was granted offline access.
/// </summary>
public sealed class ReturnRotatedRefreshToken : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<ReturnRotatedRefreshToken>()
            .SetOrder(OpenIddictServerHandlers.EvaluateGeneratedTokens.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (UserTokens.Stashed(context.Transaction) is not null && context.Principal!.HasScope(Scopes.OfflineAccess))
        {
            (context.GenerateRefreshToken, context.IncludeRefreshToken) = (true, true);
        }
        return default;
    }
}

/// <summary>The refresh token the grant issued (never OpenIddict's own: AuthApp's rotation must know every one).</summary>
public sealed class WriteRefreshToken : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseSingletonHandler<WriteRefreshToken>()
            .SetOrder(OpenIddictServerHandlers.Protection.GenerateIdentityModelToken.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType == TokenTypeIdentifiers.RefreshToken)
        {
            context.Token = UserTokens.Stashed(context.Transaction)?.RefreshToken
                ?? throw new InvalidOperationException("A refresh token is issued only by AuthApp's grants.");
        }
        return default;
    }
}

/// <summary>
/// The ID token: who signed in, when (the browser session's start), for which app and session, the nonce the app sent,
/// and the profile claims its scopes grant — signed by the key ring, so the app checks it against the published keys.
/// </summary>
public sealed class WriteIdToken(AuthDbContext db, TokenService tokens, TimeProvider time) : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseScopedHandler<WriteIdToken>()
            .SetOrder(OpenIddictServerHandlers.Protection.GenerateIdentityModelToken.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType != TokenTypeIdentifiers.IdentityToken || context.Principal is not { } principal)
        {
            return;
        }
        var stashed = UserTokens.Stashed(context.Transaction)
            ?? throw new InvalidOperationException("An ID token is issued only by AuthApp's grants.");
        var account = await (
                from session in db.Sessions.AsNoTracking()
                join browser in db.Sessions on session.ParentId equals browser.Id
                where session.Id == stashed.SessionId
                select new { session.User!.Id, session.User.Username, session.User.Email, session.User.EmailVerifiedAt,
                    SignedInAt = browser.CreatedAt })
            .SingleAsync(context.CancellationToken);
        var now = time.GetUtcNow();
        var profile = UserInfoClaims.For(stashed.Scopes, account.Username, account.Email, account.EmailVerifiedAt);
        // OpenIddict has copied the nonce the app sent with its authorize request into the ID token's principal.
        context.Token = tokens.IssueIdToken(new IdTokenGrant(account.Id, context.Request!.ClientId!, stashed.SessionId,
            principal.GetClaim(Claims.Nonce), account.SignedInAt, profile, now, now + tokens.Options.AccessTokenLifetime));
    }
}

/// <summary>The claims about a person that each standard scope grants (OpenID Connect Core §5.4), for the ID token and userinfo.</summary>
public static class UserInfoClaims
{
    public static Dictionary<string, object> For(IEnumerable<string> scopes, string username, string email, DateTimeOffset? emailVerifiedAt)
    {
        var claims = new Dictionary<string, object>();
        var granted = scopes.ToHashSet(StringComparer.Ordinal);
        if (granted.Contains(Scopes.Profile))
        {
            claims[Claims.PreferredUsername] = username;
            claims[Claims.Name] = username;
        }
        if (granted.Contains(Scopes.Email))
        {
            claims[Claims.Email] = email;
            claims[Claims.EmailVerified] = emailVerifiedAt is not null;
        }
        return claims;
    }
}
