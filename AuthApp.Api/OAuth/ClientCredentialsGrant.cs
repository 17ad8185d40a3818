using System.Security.Claims;
using AuthApp.Api.Tokens;
using AuthApp.Data;
using AuthApp.Data.OAuth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthApp.Api.OAuth;

/// <summary>
/// The client-credentials grant, after OpenIddict has authenticated the client and checked that it may use the grant
/// and the scopes it asked for. The grant opens a session for the client (so a revocation, a disabled client or a
/// rotated secret ends its tokens the way a logout ends a user's) and signs in the client as the token's subject.
/// </summary>
public sealed class ClientCredentialsGrant(AuthDbContext db, OAuthClientManager clients, IOptions<JwtOptions> jwt, TimeProvider time)
    : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseScopedHandler<ClientCredentialsGrant>()
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>
    /// One statement: the session is inserted only while the client is enabled and still has the secret the request
    /// authenticated with. FOR SHARE makes a concurrent disable or rotation (which updates the client's row, then revokes
    /// its sessions) either wait for this insert and revoke it too, or commit first so that this grant finds it changed.
    /// </summary>
    private const string OpenSessionSql = """
        WITH client AS (
            SELECT client_id, audiences, permissions FROM oauth_clients
            WHERE client_id = $1 AND disabled_at IS NULL AND client_secret = $6 FOR SHARE
        ), opened AS (
            INSERT INTO sessions (id, client_id, kind, created_at, expires_at, refresh_jti, refresh_issued_at, refresh_expires_at,
                                  security_stamp, last_used_at)
            SELECT $2, client_id, 'service', $3, $4, $5, $3, $3, $5, $3 FROM client
        )
        SELECT audiences, permissions FROM client
        """;

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (!context.Request.IsClientCredentialsGrantType() || context.Request.ClientId is not { } clientId)
        {
            return;
        }
        var now = time.GetUtcNow();
        var sessionId = Guid.CreateVersion7(now);
        // The session outlives the token by the clock skew that validators allow past its expiry.
        var client = clients.AuthenticatedSecretHash is { } secretHash
            ? await OpenSessionAsync(clientId, secretHash, sessionId, now, now + jwt.Value.AccessTokenLifetime + jwt.Value.ClockSkew)
            : null;
        if (client is null)
        {
            context.Reject(Errors.InvalidClient, "This client is disabled, or its secret has just been changed.");
            return;
        }
        // No scope asked for: every scope the client may use (OpenIddict has checked any it did ask for).
        var requested = context.Request.GetScopes();
        var scopes = requested.IsEmpty ? OAuthClientStore.ScopesOf(client.Value.Permissions) : requested;

        var identity = new ClaimsIdentity(OAuthFeature.AuthenticationType, Claims.Subject, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId);
        identity.SetClaim(TokenClaims.SessionId, sessionId.ToString());
        identity.SetScopes(scopes);
        identity.SetResources(client.Value.Audiences);
        identity.SetAccessTokenLifetime(jwt.Value.AccessTokenLifetime);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        context.SignIn(new ClaimsPrincipal(identity));
    }

    private async Task<(string[] Audiences, string[] Permissions)?> OpenSessionAsync(
        string clientId, string secretHash, Guid sessionId, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var open = new NpgsqlCommand(OpenSessionSql, connection);
            open.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clientId });
            open.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sessionId });
            open.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            open.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expiresAt });
            // A random, never-issued refresh jti and stamp: a client session has no refresh token.
            open.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.NewGuid() });
            open.Parameters.Add(new NpgsqlParameter<string> { TypedValue = secretHash });
            await using var reader = await open.ExecuteReaderAsync();
            if (!await reader.ReadAsync())
            {
                return null;
            }
            return (reader.GetFieldValue<string[]>(0), OAuthClientStore.ParseStringArray(reader.IsDBNull(1) ? null : reader.GetString(1)));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
