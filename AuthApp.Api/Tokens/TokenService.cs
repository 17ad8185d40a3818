using System.Security.Claims;
using AuthApp.Data;
using AuthApp.Api.Tokens.Keys;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthApp.Api.Tokens;

/// <summary>A freshly issued access/refresh pair.</summary>
public sealed record IssuedTokens(
    string AccessToken, Guid AccessJti, DateTimeOffset AccessExpiresAt,
    string RefreshToken, Guid RefreshJti, DateTimeOffset RefreshExpiresAt);

/// <summary>What a token says about itself, once its signature, issuer, audience, type and lifetime are checked.</summary>
public sealed record TokenIdentifiers(Guid Jti, Guid SessionId, Guid UserId, string? Scope = null);

/// <summary>The request's validated access token: who and which session, and when it expires (for the blacklist's TTL).</summary>
public sealed record AccessToken(TokenIdentifiers Ids, DateTimeOffset ExpiresAt);

public enum TokenReadError
{
    None,
    Malformed,
    Expired,
}

/// <summary>
/// Issues and reads JWTs, with the one algorithm of the configured <see cref="ITokenSigner"/>. The same <see cref="TokenValidationParameters"/> back the
/// JwtBearer handler for access tokens and <see cref="ReadRefreshTokenAsync"/> for refresh tokens;
/// the <c>token_type</c> claim keeps one from being accepted as the other.
/// </summary>
public sealed class TokenService
{
    /// <summary>Our tokens are under 1 KiB; anything far larger is refused before it is parsed.</summary>
    public const int MaximumTokenBytes = 8 * 1024;

    private readonly JwtOptions _options;
    private readonly TimeProvider _time;
    private readonly ApiTelemetry _telemetry;
    private readonly JsonWebTokenHandler _handler = new()
    {
        SetDefaultTimesOnTokenCreation = false,
        MapInboundClaims = false,
        MaximumTokenSizeInBytes = MaximumTokenBytes,
    };
    private readonly ITokenSigner _signer;

    public TokenService(IOptions<JwtOptions> options, ITokenSigner signer, TimeProvider time, ApiTelemetry telemetry)
    {
        _options = options.Value;
        _signer = signer;
        _time = time;
        _telemetry = telemetry;
        ValidationParameters = CreateValidationParameters();
        _anyAudience = new(() =>
        {
            var parameters = ValidationParameters.Clone();
            parameters.ValidateAudience = false;
            return parameters;
        });
    }

    public TokenValidationParameters ValidationParameters { get; }
    public JwtOptions Options => _options;

    /// <summary>
    /// A client-credentials access token: the client is its subject (<c>sub</c> and <c>client_id</c>), its session
    /// (<c>sid</c>) is revoked like a user's, <c>aud</c> names the services it may call and <c>scope</c> what it may do.
    /// Typed <c>at+jwt</c> (RFC 9068), which also keeps it from passing as a user's token anywhere in AuthApp.
    /// </summary>
    public string IssueClientAccessToken(ClientAccessGrant grant)
    {
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = grant.ClientId,
            [TokenClaims.ClientId] = grant.ClientId,
            [TokenClaims.TokenType] = TokenClaims.AccessType,
            [JwtRegisteredClaimNames.Jti] = grant.Jti.ToString(),
            [TokenClaims.SessionId] = grant.SessionId.ToString(),
        };
        if (grant.Scopes.Count > 0)
        {
            claims[TokenClaims.Scope] = string.Join(' ', grant.Scopes);
        }
        if (grant.Audiences.Count > 0)
        {
            claims[JwtRegisteredClaimNames.Aud] = grant.Audiences.Count == 1 ? grant.Audiences[0] : grant.Audiences.ToArray();
        }
        _telemetry.TokensIssued.Add(1, new KeyValuePair<string, object?>("token_type", "client_access"));
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Claims = claims,
            TokenType = ClientAccessTokenType,
            IssuedAt = grant.IssuedAt.UtcDateTime,
            NotBefore = grant.IssuedAt.UtcDateTime,
            Expires = grant.ExpiresAt.UtcDateTime,
            SigningCredentials = _signer.Current,
        });
    }

    public const string ClientAccessTokenType = "at+jwt";

    /// <summary>
    /// Any token AuthApp issued — a user's access or refresh token, a client's access token — checked for signature,
    /// issuer and lifetime but not audience (introspection and revocation answer for every audience). Null otherwise.
    /// </summary>
    public async Task<IssuedToken?> ReadAnyTokenAsync(string token)
    {
        if (_verified.TryGet(token, out var known) && _signer.StillVerifies(known.Kid))
        {
            return known.Issued.ExpiresAt >= _time.GetUtcNow() - _options.ClockSkew ? known.Issued : null;
        }
        var result = await _handler.ValidateTokenAsync(token, _anyAudience.Value);
        var issued = result.IsValid ? IssuedToken.TryRead(result.ClaimsIdentity, _time.GetUtcNow() + _options.ClockSkew) : null;
        if (issued is not null)
        {
            _verified.Remember(token, (issued, (result.SecurityToken as JsonWebToken)?.Kid));
        }
        return issued;
    }

    private readonly VerifiedTokens<(IssuedToken Issued, string? Kid)> _verified = new();

    /// <summary>The signer's answer to whether a key still verifies (for remembered verifications).</summary>
    public bool StillVerifies(string? kid) => _signer.StillVerifies(kid);

    private readonly Lazy<TokenValidationParameters> _anyAudience;

    /// <summary>A new pair at <paramref name="now"/>, the request's one reading of the clock (so expires_in agrees with exp).</summary>
    public IssuedTokens IssuePair(User user, Guid sessionId, DateTimeOffset sessionExpiresAt, DateTimeOffset now) =>
        IssuePair(user.Id, user.Username, user.IsStaff, sessionId, sessionExpiresAt, now, Guid.NewGuid());

    /// <summary>A new pair whose refresh token has the <c>jti</c> <paramref name="refreshJti"/> (already stored by the caller).</summary>
    /// <param name="scope">The scopes an app was granted at sign-in (OpenID Connect), carried by both tokens and on to
    /// every pair that rotation issues after them; null for the JSON login's tokens, which have none.</param>
    public IssuedTokens IssuePair(Guid userId, string username, bool isStaff, Guid sessionId, DateTimeOffset sessionExpiresAt,
        DateTimeOffset now, Guid refreshJti, string? scope = null)
    {
        var accessJti = Guid.NewGuid();
        var accessExpires = Min(now + _options.AccessTokenLifetime, sessionExpiresAt);
        var refreshExpires = Min(now + _options.RefreshTokenLifetime, sessionExpiresAt);

        var accessClaims = BaseClaims(userId, sessionId, accessJti, TokenClaims.AccessType);
        accessClaims[TokenClaims.Username] = username;
        if (isStaff)
        {
            accessClaims[TokenClaims.Role] = TokenClaims.StaffRole;
        }

        var refreshClaims = BaseClaims(userId, sessionId, refreshJti, TokenClaims.RefreshType);
        if (!string.IsNullOrEmpty(scope))
        {
            accessClaims[TokenClaims.Scope] = scope;
            refreshClaims[TokenClaims.Scope] = scope;
        }
        var access = Create(accessClaims, now, accessExpires);
        var refresh = Create(refreshClaims, now, refreshExpires);
        _telemetry.TokensIssued.Add(1, new KeyValuePair<string, object?>("token_type", TokenClaims.AccessType));
        _telemetry.TokensIssued.Add(1, new KeyValuePair<string, object?>("token_type", TokenClaims.RefreshType));
        return new IssuedTokens(access, accessJti, accessExpires, refresh, refreshJti, refreshExpires);
    }

    public async Task<(TokenIdentifiers? Claims, TokenReadError Error)> ReadRefreshTokenAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, ValidationParameters);
        if (!result.IsValid)
        {
            return (null, result.Exception is SecurityTokenExpiredException ? TokenReadError.Expired : TokenReadError.Malformed);
        }
        var claims = TryReadIdentifiers(result.ClaimsIdentity, TokenClaims.RefreshType);
        return claims is null ? (null, TokenReadError.Malformed) : (claims, TokenReadError.None);
    }

    /// <summary>
    /// Checks what signature validation cannot: the token's type, its identifiers, and that it was not issued in the future.
    /// Returns null when any of them is wrong.
    /// </summary>
    public TokenIdentifiers? TryReadIdentifiers(ClaimsIdentity identity, string expectedType)
    {
        // One pass over the claims, first of each type, as FindFirst would (seven FindFirst calls allocated a closure
        // and an enumerator each, on every authenticated request).
        string? type = null, jtiValue = null, sidValue = null, subValue = null, userId = null, iatValue = null, scope = null;
        foreach (var claim in identity.Claims)
        {
            switch (claim.Type)
            {
                case TokenClaims.TokenType: type ??= claim.Value; break;
                case JwtRegisteredClaimNames.Jti: jtiValue ??= claim.Value; break;
                case TokenClaims.SessionId: sidValue ??= claim.Value; break;
                case JwtRegisteredClaimNames.Sub: subValue ??= claim.Value; break;
                case TokenClaims.UserId: userId ??= claim.Value; break;
                case JwtRegisteredClaimNames.Iat: iatValue ??= claim.Value; break;
                case TokenClaims.Scope: scope ??= claim.Value; break;
            }
        }
        if (type != expectedType ||
            !Guid.TryParse(jtiValue, out var jti) ||
            !Guid.TryParse(sidValue, out var sid) ||
            !Guid.TryParse(subValue, out var sub) ||
            !IsCanonical(userId, sub) ||
            !long.TryParse(iatValue, out var iat) ||
            DateTimeOffset.FromUnixTimeSeconds(iat) > _time.GetUtcNow() + _options.ClockSkew)
        {
            return null;
        }
        return new TokenIdentifiers(jti, sid, sub, scope);
    }

    /// <summary>Whether <paramref name="value"/> is <paramref name="id"/> written as AuthApp writes it (lower case, dashes).</summary>
    private static bool IsCanonical(string? value, Guid id)
    {
        Span<char> written = stackalloc char[36];
        return value is not null && id.TryFormat(written, out var length) && value.AsSpan().SequenceEqual(written[..length]);
    }

    /// <summary>
    /// An OpenID Connect ID token for an app's sign-in: who signed in, when, for which app, with which session; signed by
    /// the key ring like every other token, so the app checks it against the same published keys.
    /// </summary>
    public string IssueIdToken(IdTokenGrant grant)
    {
        var claims = new Dictionary<string, object>(grant.ProfileClaims)
        {
            [JwtRegisteredClaimNames.Sub] = grant.UserId.ToString(),
            [JwtRegisteredClaimNames.Azp] = grant.ClientId,
            [TokenClaims.SessionId] = grant.SessionId.ToString(),
            [JwtRegisteredClaimNames.AuthTime] = grant.AuthenticatedAt.ToUnixTimeSeconds(),
        };
        if (grant.Nonce is { Length: > 0 } nonce)
        {
            claims[JwtRegisteredClaimNames.Nonce] = nonce;
        }
        _telemetry.TokensIssued.Add(1, new KeyValuePair<string, object?>("token_type", "id"));
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = grant.ClientId,
            Claims = claims,
            IssuedAt = grant.IssuedAt.UtcDateTime,
            NotBefore = grant.IssuedAt.UtcDateTime,
            Expires = grant.ExpiresAt.UtcDateTime,
            SigningCredentials = _signer.Current,
        });
    }

    /// <summary>
    /// An ID token AuthApp issued, presented back as <c>id_token_hint</c> at end-session: signature and issuer checked,
    /// not its lifetime (an app signs out long after its ID token expired). Null for anything else.
    /// </summary>
    public async Task<IdTokenHint?> ReadIdTokenHintAsync(string token)
    {
        var parameters = ValidationParameters.Clone();
        parameters.ValidateAudience = false;
        parameters.ValidateLifetime = false;
        parameters.LifetimeValidator = null;
        var result = await _handler.ValidateTokenAsync(token, parameters);
        string? Claim(string type) => result.ClaimsIdentity?.FindFirst(type)?.Value;
        if (!result.IsValid || Claim(TokenClaims.TokenType) is not null || Claim(JwtRegisteredClaimNames.Azp) is not { } clientId
            || !Guid.TryParse(Claim(JwtRegisteredClaimNames.Sub), out var userId)
            || !Guid.TryParse(Claim(TokenClaims.SessionId), out var sessionId))
        {
            return null;
        }
        return new IdTokenHint(userId, sessionId, clientId);
    }

    private TokenValidationParameters CreateValidationParameters()
    {
        var parameters = BaseValidationParameters();
        _signer.ConfigureValidation(parameters);
        return parameters;
    }

    private TokenValidationParameters BaseValidationParameters() => new()
    {
        ValidIssuer = _options.Issuer,
        ValidAudience = _options.Audience,
        // Pinned: "none", HS512 with the same key, RS256 with the key as a public key — all refused.
        ValidAlgorithms = [_signer.Algorithm],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateIssuerSigningKey = true,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = _options.ClockSkew,
        // Lifetime against the injected clock, so tests can move time.
        LifetimeValidator = ValidateLifetime,
        NameClaimType = TokenClaims.Username,
        RoleClaimType = TokenClaims.Role,
    };

    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            return false;
        }
        if (notBefore is { } nbf && nbf > now + _options.ClockSkew)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.");
        }
        if (expires.Value < now - _options.ClockSkew)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = expires.Value };
        }
        return true;
    }

    private Dictionary<string, object> BaseClaims(Guid userId, Guid sessionId, Guid jti, string type) => new()
    {
        [JwtRegisteredClaimNames.Sub] = userId.ToString(),
        [TokenClaims.UserId] = userId.ToString(),
        [TokenClaims.TokenType] = type,
        [JwtRegisteredClaimNames.Jti] = jti.ToString(),
        [TokenClaims.SessionId] = sessionId.ToString(),
    };

    private string Create(Dictionary<string, object> claims, DateTimeOffset now, DateTimeOffset expires) =>
        _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _signer.Current,
        });

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
