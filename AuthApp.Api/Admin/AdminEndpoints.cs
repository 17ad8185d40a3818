using AuthApp.Api.Common;
using AuthApp.Api.Tokens;
using AuthApp.Api.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuthApp.Api.Admin;

public static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdminEndpoints(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin/users")
            .WithTags("Administration")
            .RequireAccessToken(TokenClaims.StaffPolicy)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        admin.MapGet("", ListAsync).WithName("AdminListUsers").WithSummary("List and search users (by username or e-mail).");
        MapAction(admin, "deactivate", "Deactivate a user; all their sessions and access tokens stop at once.",
            (service, id, ct) => service.SetActiveAsync(id, false, ct));
        MapAction(admin, "activate", "Activate a user.", (service, id, ct) => service.SetActiveAsync(id, true, ct));
        MapAction(admin, "grant-staff", "Make a user staff (effective from their next login or refresh).",
            (service, id, ct) => service.SetStaffAsync(id, true, ct));
        MapAction(admin, "revoke-staff", "Remove staff; the user's sessions are revoked so the role stops at once.",
            (service, id, ct) => service.SetStaffAsync(id, false, ct));
        MapAction(admin, "revoke-sessions", "Revoke every session of a user; their access tokens stop at once.",
            (service, id, ct) => service.RevokeSessionsAsync(id, ct));
        return api;
    }

    private static void MapAction(RouteGroupBuilder admin, string action, string summary,
        Func<AdminService, Guid, CancellationToken, Task<AdminUser?>> run)
    {
        admin.MapPost($"/{{id:guid}}/{action}", async Task<Results<Ok<AdminUser>, ProblemHttpResult>> (Guid id, AdminService service, CancellationToken ct) =>
                await run(service, id, ct) is { } user
                    ? TypedResults.Ok(user)
                    : ApiProblem.NotFound(ErrorCodes.UserNotFound, "No user has this id."))
            .WithName($"Admin{string.Concat(action.Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..]))}")
            .WithSummary(summary)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<Page<AdminUser>>, ValidationProblem>> ListAsync(
        string? search, string? cursor, string? limit, HttpRequest request, AdminService admin, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var (after, pageSize) = UserPaging.ReadQuery(cursor, limit, errors);
        if (search is { Length: > 254 })
        {
            errors.Add("search", "Ensure this field has no more than 254 characters.");
        }
        else if (search is not null && search.Any(char.IsControl))
        {
            errors.Add("search", "The search may not contain control characters.");
        }
        if (errors.Any)
        {
            return ApiProblem.Validation(errors.ToDictionary());
        }

        var page = await admin.ListAsync(search, after, pageSize, ct);
        return TypedResults.Ok(page with { Next = page.Next is null ? null : PageLimit.NextUrl(request, page.Next, pageSize, ("search", search)) });
    }
}
