using AuthApp.Api.Audit;
using AuthApp.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuthApp.Api.Tokens.Keys;

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

        keys.MapGet("", ListAsync).WithName("ListSigningKeys").Audited(AuditActions.ListKeys).WithSummary("The signing keys and how long each keeps verifying.");
        keys.MapPost("/rotate", RotateAsync).WithName("RotateSigningKey").Audited(AuditActions.RotateKey)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Make a new signing key now; tokens signed by the previous one stay valid until they expire (ES256 only).");
        return api;
    }

    private static async Task<Ok<List<SigningKeyInfo>>> ListAsync(SigningKeyService keys, CancellationToken ct) =>
        TypedResults.Ok(await keys.ListAsync(ct));

    private static async Task<Results<Ok<SigningKeyInfo>, ProblemHttpResult>> RotateAsync(
        SigningKeyService keys, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await keys.RotateAsync(http.GetStaffActor(), time.GetUtcNow(), ct)).ToCodeResult(http, TypedResults.Ok);
}
