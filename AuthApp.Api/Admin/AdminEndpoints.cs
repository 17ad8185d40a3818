using AuthApp.Api.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuthApp.Api.Admin;

public static class AdminEndpoints
{
    private delegate Task<Outcome<AdminUser>> UserAction(AdminService admin, Guid id, DateTimeOffset now, CancellationToken ct);

    public static RouteGroupBuilder MapAdminEndpoints(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin/users")
            .WithTags("Administration")
            .RequireAccessToken(TokenClaims.StaffPolicy)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        admin.MapGet("", ListAsync).WithName("AdminListUsers").WithSummary("List and search users (by username or e-mail).");
        MapAction(admin, "deactivate", "Deactivate a user; all their sessions and access tokens stop at once.",
            (service, id, now, ct) => service.SetActiveAsync(id, false, now, ct));
        MapAction(admin, "activate", "Activate a user.", (service, id, now, ct) => service.SetActiveAsync(id, true, now, ct));
        MapAction(admin, "grant-staff", "Make a user staff (effective from their next login or refresh).",
            (service, id, now, ct) => service.SetStaffAsync(id, true, now, ct));
        MapAction(admin, "revoke-staff", "Remove staff; the user's sessions are revoked so the role stops at once.",
            (service, id, now, ct) => service.SetStaffAsync(id, false, now, ct));
        MapAction(admin, "revoke-sessions", "Revoke every session of a user; their access tokens stop at once.",
            (service, id, now, ct) => service.RevokeSessionsAsync(id, now, ct));
        return api;
    }

    private static void MapAction(RouteGroupBuilder admin, string action, string summary, UserAction run)
    {
        admin.MapPost($"/{{id:guid}}/{action}", async Task<Results<Ok<AdminUser>, ProblemHttpResult>> (
                    Guid id, AdminService service, TimeProvider time, HttpContext http, CancellationToken ct) =>
                (await run(service, id, time.GetUtcNow(), ct)).ToCodeResult(http, TypedResults.Ok))
            .WithName($"Admin{string.Concat(action.Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..]))}")
            .WithSummary(summary)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<Page<AdminUser>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? search, string? cursor, string? limit, AdminService admin, HttpContext http, CancellationToken ct) =>
        (await admin.ListAsync(search, cursor, limit, ct)).ToResult(http, page => TypedResults.Ok(page.WithNextUrl(http.Request, ("search", search))));
}
