using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthApp.Api.Tokens;

/// <summary>What a client-credentials token is made of; <see cref="TokenService.IssueClientAccessToken"/> signs it.</summary>
public sealed record ClientAccessGrant(
    string ClientId, Guid SessionId, Guid Jti, IReadOnlyList<string> Scopes, IReadOnlyList<string> Audiences,
    DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>What an ID token says: who, for which app, which session, when they signed in, and the profile claims granted.</summary>
public sealed record IdTokenGrant(
    Guid UserId, string ClientId, Guid SessionId, string? Nonce, DateTimeOffset AuthenticatedAt,
    IReadOnlyDictionary<string, object> ProfileClaims, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>A validated <c>id_token_hint</c>: the user, the app's session and the app it was issued to.</summary>
public sealed record IdTokenHint(Guid UserId, Guid SessionId, string ClientId);

public enum IssuedTokenKind
{
    UserAccess,
    UserRefresh,
    ClientAccess,
}

/// <summary>
/// A validated token of any kind AuthApp issues, as introspection and revocation see it. Every kind belongs to a
/// session (<c>sid</c>), so one revocation path ends all of them.
/// </summary>
public sealed record IssuedToken(
    IssuedTokenKind Kind, Guid Jti, Guid SessionId, string Subject, string? Username, string? ClientId,
    IReadOnlyList<string> Scopes, IReadOnlyList<string> Audiences, bool IsStaff, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt)
{
    public bool IsUserToken => Kind != IssuedTokenKind.ClientAccess;

    /// <summary>The token's kind and identifiers when they are consistent; null for anything else (and for a token from the future).</summary>
    public static IssuedToken? TryRead(ClaimsIdentity identity, DateTimeOffset latestIssuedAt)
    {
        string? Claim(string type) => identity.FindFirst(type)?.Value;
        if (!Guid.TryParse(Claim(JwtRegisteredClaimNames.Jti), out var jti) ||
            !Guid.TryParse(Claim(TokenClaims.SessionId), out var sid) ||
            Claim(JwtRegisteredClaimNames.Sub) is not { Length: > 0 } subject ||
            !long.TryParse(Claim(JwtRegisteredClaimNames.Iat), out var iat) ||
            !long.TryParse(Claim(JwtRegisteredClaimNames.Exp), out var exp))
        {
            return null;
        }
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(iat);
        if (issuedAt > latestIssuedAt)
        {
            return null;
        }
        var kind = ReadKind(Claim(TokenClaims.TokenType), Claim(TokenClaims.ClientId), Claim(TokenClaims.UserId), subject);
        if (kind is null)
        {
            return null;
        }
        var scopes = Claim(TokenClaims.Scope)?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var audiences = identity.FindAll(JwtRegisteredClaimNames.Aud).Select(c => c.Value).ToArray();
        return new IssuedToken(kind.Value, jti, sid, subject, Claim(TokenClaims.Username), Claim(TokenClaims.ClientId),
            scopes, audiences, Claim(TokenClaims.Role) == TokenClaims.StaffRole, issuedAt, DateTimeOffset.FromUnixTimeSeconds(exp));
    }

    private static IssuedTokenKind? ReadKind(string? type, string? clientId, string? userId, string subject) => type switch
    {
        TokenClaims.AccessType when clientId is not null && userId is null && clientId == subject => IssuedTokenKind.ClientAccess,
        TokenClaims.AccessType when clientId is null && userId == subject && Guid.TryParse(subject, out _) => IssuedTokenKind.UserAccess,
        TokenClaims.RefreshType when clientId is null && userId == subject && Guid.TryParse(subject, out _) => IssuedTokenKind.UserRefresh,
        _ => null,
    };
}
