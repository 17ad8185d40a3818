using AuthApp.Data;
using Microsoft.IdentityModel.Tokens;

namespace AuthApp.Api.Tokens.Keys;

/// <summary>Where signing keys come from: one shared secret (HS256) or a rotating key ring (ES256).</summary>
public interface ITokenSigner
{
    /// <summary>The only algorithm tokens may carry.</summary>
    string Algorithm { get; }

    SigningCredentials Current { get; }

    /// <summary>Public keys for /.well-known/jwks.json (none for a shared secret).</summary>
    IReadOnlyList<PublicJwk> PublicKeys { get; }

    /// <summary>
    /// Tells token validation where verification keys come from: a fixed key, or a lookup by <c>kid</c>
    /// only — never from anything else in the token's header (jku, x5u, jwk).
    /// </summary>
    void ConfigureValidation(TokenValidationParameters parameters);

    /// <summary>
    /// Whether the key named <paramref name="kid"/> (null for the shared secret) still verifies tokens now, without
    /// loading anything: a remembered verification (<see cref="VerifiedTokens{T}"/>) counts only while it does.
    /// </summary>
    bool StillVerifies(string? kid);

    /// <summary>
    /// Makes a new signing key now, or says why this signer cannot. <paramref name="audit"/>, when given, is written in
    /// the same transaction as the new key, with the new key's kid as its subject.
    /// </summary>
    Task<Outcome<SigningKeyInfo>> RotateAsync(AuditEntry? audit, CancellationToken ct);
}

/// <summary>A public key as JWKS publishes it (RFC 7517/7518).</summary>
public sealed record PublicJwk(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);

public sealed record JsonWebKeySetResponse(IReadOnlyList<PublicJwk> Keys);

/// <summary>A signing key as staff see it (never the private part); <c>signing</c>: the key new tokens are signed with.</summary>
public sealed record SigningKeyInfo(
    string Kid, string Algorithm, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt, DateTimeOffset? VerifiesUntil, bool Signing = false);
