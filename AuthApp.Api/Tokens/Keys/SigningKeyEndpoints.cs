using AuthApp.Api.Common;
using AuthApp.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Tokens.Keys;

/// <summary>A signing key as staff see it (never the private part).</summary>
public sealed record SigningKeyInfo(string Kid, string Algorithm, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt, DateTimeOffset? VerifiesUntil);

public static class SigningKeyEndpoints
{
    /// <summary>Public keys for other services to validate AuthApp's tokens without a shared secret.</summary>
    public static IEndpointRouteBuilder MapJwks(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/jwks.json", (ITokenSigner signer, HttpContext http) =>
            {
                // Short enough that a rotation reaches validators well before the old key's tokens expire.
                http.Response.Headers.CacheControl = "public, max-age=300";
                return TypedResults.Ok(new JsonWebKeySetResponse(signer.PublicKeys));
            })
            .WithName("Jwks")
            .WithTags("Keys")
            .WithSummary("The JSON Web Key Set of the ES256 public keys that may have signed a live token (empty in HS256 mode).")
            .AllowAnonymous();
        return app;
    }

    public static RouteGroupBuilder MapSigningKeyEndpoints(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/admin/keys").WithTags("Keys").RequireAccessToken(TokenClaims.StaffPolicy)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        keys.MapGet("", ListAsync).WithName("ListSigningKeys").WithSummary("The signing keys and how long each keeps verifying.");
        keys.MapPost("/rotate", RotateAsync).WithName("RotateSigningKey")
            .WithSummary("Make a new signing key now; tokens signed by the previous one stay valid until they expire (ES256 only).");
        return api;
    }

    private static async Task<Ok<List<SigningKeyInfo>>> ListAsync(AuthDbContext db, IOptions<JwtOptions> options, CancellationToken ct)
    {
        var keep = options.Value.RefreshTokenLifetime + options.Value.ClockSkew;
        var keys = await db.SigningKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt)
            .Select(k => new { k.Kid, k.Algorithm, k.CreatedAt, k.RetiredAt }).ToListAsync(ct);
        return TypedResults.Ok(keys.Select(k => new SigningKeyInfo(k.Kid, k.Algorithm, k.CreatedAt, k.RetiredAt, k.RetiredAt + keep)).ToList());
    }

    private static async Task<Results<Ok<SigningKeyInfo>, ProblemHttpResult>> RotateAsync(ITokenSigner signer, CancellationToken ct)
    {
        if (signer is not KeyRing ring)
        {
            return ApiProblem.Create(StatusCodes.Status409Conflict, ErrorCodes.KeyRotationUnavailable, "Key rotation unavailable",
                "This deployment signs with a shared HS256 secret (Jwt:SigningAlgorithm=HS256); rotate it by changing the jwt-signing-key parameter, or switch to ES256.");
        }
        var key = await ring.RotateAsync(ct);
        return TypedResults.Ok(new SigningKeyInfo(key.Kid, key.Algorithm, key.CreatedAt, null, null));
    }
}
