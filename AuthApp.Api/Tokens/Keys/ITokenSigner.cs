using Microsoft.IdentityModel.Tokens;

namespace AuthApp.Api.Tokens.Keys;

/// <summary>Where signing keys come from: one shared secret (HS256) or a rotating key ring (ES256).</summary>
public interface ITokenSigner
{
    /// <summary>The only algorithm tokens may carry.</summary>
    string Algorithm { get; }

    SigningCredentials Current { get; }

    /// <summary>The keys that may have signed a token with this <c>kid</c>; never chosen by anything else in the header.</summary>
    IEnumerable<SecurityKey> ResolveVerificationKeys(string? kid);

    /// <summary>Public keys for /.well-known/jwks.json (none for a shared secret).</summary>
    IReadOnlyList<PublicJwk> PublicKeys { get; }
}

/// <summary>A public key as JWKS publishes it (RFC 7517/7518).</summary>
public sealed record PublicJwk(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);

public sealed record JsonWebKeySetResponse(IReadOnlyList<PublicJwk> Keys);
