using AuthApp.Api.Audit;
using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AuthApp.Api.Admin;

public static class AdminEndpoints
{
    private delegate Task<Outcome<AdminUser>> UserAction(AdminService admin, Guid id, StaffActor actor, DateTimeOffset now, CancellationToken ct);

    public static RouteGroupBuilder MapAdminEndpoints(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin/users")
            .WithTags("Administration")
            .RequireAccessToken(TokenClaims.StaffPolicy)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        admin.MapGet("", ListAsync).WithName("AdminListUsers").Audited(AuditActions.ListUsers)
            .WithSummary("List and search users (by username or e-mail), optionally only active or inactive (is_active) and staff or not (is_staff).");
        admin.MapGet("/{id:guid}", GetAsync).WithName("AdminGetUser").Audited(AuditActions.ViewUser)
            .WithSummary("One user.");
        admin.MapGet("/{id:guid}/sessions", ListSessionsAsync).WithName("AdminListUserSessions").Audited(AuditActions.ListSessions)
            .WithSummary("The user's live sessions, newest first: created, last refreshed, absolute end and when each lapses unless refreshed.");

        MapAction(admin, "deactivate", AuditActions.Deactivate, "Deactivate a user; all their sessions and access tokens stop at once.",
            (service, id, actor, now, ct) => service.SetActiveAsync(id, false, actor, now, ct));
        MapAction(admin, "activate", AuditActions.Activate, "Activate a user.",
            (service, id, actor, now, ct) => service.SetActiveAsync(id, true, actor, now, ct));
        MapAction(admin, "grant-staff", AuditActions.GrantStaff, "Make a user staff (effective from their next login or refresh).",
            (service, id, actor, now, ct) => service.SetStaffAsync(id, true, actor, now, ct));
        MapAction(admin, "revoke-staff", AuditActions.RevokeStaff, "Remove staff; the user's sessions are revoked so the role stops at once.",
            (service, id, actor, now, ct) => service.SetStaffAsync(id, false, actor, now, ct));
        MapAction(admin, "revoke-sessions", AuditActions.RevokeSessions, "Revoke every session of a user; their access tokens stop at once.",
            (service, id, actor, now, ct) => service.RevokeSessionsAsync(id, actor, now, ct));

        MapAction(admin, "reset-factors", AuditActions.ResetFactors,
            "Remove a user's authenticator app and recovery codes (a lost phone); the user is mailed.",
            (service, id, actor, now, ct) => service.ResetFactorsAsync(id, actor, now, ct));
        admin.MapGet("/{id:guid}/factors", GetFactorsAsync).WithName("AdminGetUserFactors").Audited(AuditActions.ViewFactors)
            .WithSummary("Which second factors a user has (never a secret or a code).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        admin.MapPost("/{id:guid}/sessions/{sessionId:guid}/revoke", RevokeSessionAsync)
            .WithName("AdminRevokeUserSession")
            .Audited(AuditActions.RevokeSession)
            .WithSummary("End one live session of a user; its refresh and access tokens stop at once. Returns the user.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static void MapAction(RouteGroupBuilder admin, string route, string action, string summary, UserAction run)
    {
        admin.MapPost($"/{{id:guid}}/{route}", async Task<Results<Ok<AdminUser>, ProblemHttpResult>> (
                    Guid id, AdminService service, TimeProvider time, HttpContext http, CancellationToken ct) =>
                (await run(service, id, http.GetStaffActor(), time.GetUtcNow(), ct)).ToCodeResult(http, TypedResults.Ok))
            .WithName($"Admin{string.Concat(route.Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..]))}")
            .Audited(action)
            .WithSummary(summary)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<Page<AdminUser>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? search, [FromQuery(Name = "is_active")] string? isActive, [FromQuery(Name = "is_staff")] string? isStaff, string? cursor, string? limit, AdminService admin, HttpContext http, CancellationToken ct) =>
        (await admin.ListAsync(new AdminUserQuery(search, isActive, isStaff, cursor, limit), ct)).ToResult(http,
            page => TypedResults.Ok(page.WithNextUrl(http.Request, ("search", search), ("is_active", isActive), ("is_staff", isStaff))));

    private static async Task<Results<Ok<Factors.FactorsResponse>, ProblemHttpResult>> GetFactorsAsync(Guid id, AdminService admin,
        HttpContext http, CancellationToken ct) =>
        (await admin.GetFactorsAsync(id, ct)).ToCodeResult(http, TypedResults.Ok);

    private static async Task<Results<Ok<AdminUser>, ProblemHttpResult>> GetAsync(Guid id, AdminService admin, HttpContext http, CancellationToken ct) =>
        (await admin.GetAsync(id, ct)).ToCodeResult(http, TypedResults.Ok);

    private static async Task<Results<Ok<Page<AdminSession>>, ValidationProblem, ProblemHttpResult>> ListSessionsAsync(
        Guid id, string? cursor, string? limit, AdminService admin, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await admin.ListSessionsAsync(id, cursor, limit, time.GetUtcNow(), ct)).ToResult(http, page => TypedResults.Ok(page.WithNextUrl(http.Request)));

    private static async Task<Results<Ok<AdminUser>, ProblemHttpResult>> RevokeSessionAsync(
        Guid id, Guid sessionId, AdminService admin, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await admin.RevokeSessionAsync(id, sessionId, http.GetStaffActor(), time.GetUtcNow(), ct)).ToCodeResult(http, TypedResults.Ok);
}
