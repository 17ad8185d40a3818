using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuthApp.Api.Audit;

public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/admin/audit", ListAsync)
            .WithTags("Administration")
            .RequireAccessToken(TokenClaims.StaffPolicy)
            .Audited(AuditActions.ListAudit)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithName("AdminListAudit")
            .WithSummary("The audit trail of staff actions, newest first; filter by actor and target (id or username), action and time (from, to: ISO 8601).");
        return api;
    }

    private static async Task<Results<Ok<Page<AuditRecord>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? actor, string? target, string? action, string? from, string? to, string? cursor, string? limit,
        AuditService audit, HttpContext http, CancellationToken ct) =>
        (await audit.ListAsync(new AuditQuery(actor, target, action, from, to, cursor, limit), ct)).ToResult(http,
            page => TypedResults.Ok(page.WithNextUrl(http.Request, ("actor", actor), ("target", target), ("action", action), ("from", from), ("to", to))));
}
