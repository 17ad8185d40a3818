using System.Security.Claims;
using AuthApp.Api.Sessions;
using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Microsoft.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthApp.Api.OAuth;

/// <summary>
/// An app redeems its authorization code, after OpenIddict has checked the code, the client, the redirect URI and the
/// PKCE verifier. The code names the app's session to be (chosen at sign-in, see <see cref="SignInClaims"/>): redeeming
/// it inserts that session, so PostgreSQL's primary key lets a code be redeemed once. A second redemption is an attack
/// or a leak (RFC 6749 §4.1.2): it ends the session the first one opened, and with it every token issued from the code.
/// </summary>
public sealed class AuthorizationCodeGrant(AuthDbContext db, TokenService tokens, SessionRevoker revoker, TimeProvider time,
    ILogger<AuthorizationCodeGrant> logger) : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseScopedHandler<AuthorizationCodeGrant>()
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>
    /// One statement: the app's session is inserted only while the browser session it came from is live, the user active
    /// with the same security stamp, and the client enabled; ON CONFLICT makes a second redemption insert nothing.
    /// </summary>
    private const string OpenSessionSql = """
        WITH signed_in AS (
            SELECT u.id AS user_id, u.username, u.is_staff, u.security_stamp, b.id AS browser_id, b.expires_at
            FROM sessions AS b JOIN users AS u ON u.id = b.user_id
            WHERE b.id = $2 AND b.kind = 'browser' AND b.revoked_at IS NULL AND b.expires_at > $4
              AND u.is_active AND u.security_stamp = b.security_stamp
              AND EXISTS (SELECT 1 FROM oauth_clients WHERE client_id = $3 AND disabled_at IS NULL)
        ), opened AS (
            INSERT INTO sessions (id, user_id, client_id, kind, parent_id, created_at, expires_at, refresh_jti, refresh_issued_at,
                                  refresh_expires_at, security_stamp, user_agent, address, last_used_at)
            SELECT $1, user_id, $3, 'app', browser_id, $4, expires_at, $5, $4, LEAST($6, expires_at), security_stamp, $7, $8, $4
            FROM signed_in
            ON CONFLICT (id) DO NOTHING
            RETURNING expires_at
        )
        SELECT signed_in.username, signed_in.is_staff, opened.expires_at FROM opened CROSS JOIN signed_in
        """;

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (!context.Request.IsAuthorizationCodeGrantType() || context.Principal is not { } code)
        {
            return;
        }
        var claims = SignInClaims.Read(code);
        var clientId = context.Request.ClientId!;
        if (claims is null)
        {
            context.Reject(Errors.InvalidGrant, "The authorization code is not valid.");
            return;
        }
        var now = time.GetUtcNow();
        var refreshJti = Guid.NewGuid();
        var scope = string.Join(' ', code.GetScopes());
        var request = context.Transaction.GetHttpRequest();
        var origin = request is null ? SessionOrigin.Unknown : SessionOrigin.Of(request.HttpContext);
        var opened = await OpenSessionAsync(claims, clientId, origin, refreshJti, now, context.CancellationToken);
        if (opened is null)
        {
            await RefuseAsync(context, claims, now);
            return;
        }
        var (username, isStaff, expiresAt) = opened.Value;
        var pair = tokens.IssuePair(claims.UserId, username, isStaff, claims.SessionId, expiresAt, now, refreshJti, scope);
        UserTokens.Stash(context.Transaction, pair.AccessToken, pair.RefreshToken, claims.SessionId, code.GetScopes());
        context.SignIn(code);
    }

    private async Task<(string Username, bool IsStaff, DateTimeOffset ExpiresAt)?> OpenSessionAsync(SignInClaims claims,
        string clientId, SessionOrigin origin, Guid refreshJti, DateTimeOffset now, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var open = new NpgsqlCommand(OpenSessionSql, connection);
            // Positional parameters ($1…$8, in this order).
            open.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = claims.SessionId });
            open.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = claims.BrowserSessionId });
            open.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clientId });
            open.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            open.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = refreshJti });
            open.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + tokens.Options.RefreshTokenLifetime });
            open.Parameters.Add(new NpgsqlParameter { Value = (object?)origin.UserAgent ?? DBNull.Value });
            open.Parameters.Add(new NpgsqlParameter { Value = (object?)origin.Address ?? DBNull.Value });
            await using var row = await open.ExecuteReaderAsync(ct);
            return await row.ReadAsync(ct)
                ? (row.GetString(0), row.GetBoolean(1), row.GetFieldValue<DateTimeOffset>(2))
                : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Nothing was inserted: the code was redeemed before (end what it opened), or its sign-in has ended since.</summary>
    private async Task RefuseAsync(HandleTokenRequestContext context, SignInClaims claims, DateTimeOffset now)
    {
        var redeemed = await db.Sessions.AnyAsync(s => s.Id == claims.SessionId, context.CancellationToken);
        if (redeemed)
        {
            logger.LogWarning("Authorization code redeemed twice; ending session {SessionId}", claims.SessionId);
            await revoker.RevokeSessionAsync(claims.SessionId, SessionRevocationReasons.AuthorizationCodeReuse, now,
                context.CancellationToken);
            context.Reject(Errors.InvalidGrant, "The authorization code has already been redeemed.");
            return;
        }
        context.Reject(Errors.InvalidGrant, "The sign-in this code came from has ended, or the account or app changed.");
    }
}

/// <summary>
/// What AuthApp puts in an authorization code besides OpenIddict's own claims: the user, the browser session the user
/// signed in with, and the id of the app's session that redeeming the code will open.
/// </summary>
public sealed record SignInClaims(Guid UserId, Guid BrowserSessionId, Guid SessionId)
{
    public const string BrowserSession = "authapp_browser_sid";

    public void WriteTo(ClaimsIdentity identity)
    {
        identity.SetClaim(Claims.Subject, UserId.ToString());
        identity.SetClaim(BrowserSession, BrowserSessionId.ToString());
        identity.SetClaim(TokenClaims.SessionId, SessionId.ToString());
    }

    public static SignInClaims? Read(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.GetClaim(Claims.Subject), out var user)
        && Guid.TryParse(principal.GetClaim(BrowserSession), out var browser)
        && Guid.TryParse(principal.GetClaim(TokenClaims.SessionId), out var session)
            ? new SignInClaims(user, browser, session)
            : null;
}
