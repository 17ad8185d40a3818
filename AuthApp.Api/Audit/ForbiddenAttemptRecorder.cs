using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.Audit;

/// <summary>
/// On the authorization failure path: a signed-in caller refused a staff route (403) is recorded in the audit
/// trail under the route's action, then answered as before. Unauthenticated callers (401) name no actor and are
/// not recorded; the throttles and logs cover them.
/// </summary>
public sealed class ForbiddenAttemptRecorder(TimeProvider time, ILogger<ForbiddenAttemptRecorder> logger) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.GetEndpoint()?.Metadata.GetMetadata<AuditedAction>() is { } audited)
        {
            await RecordAsync(context, audited.Action);
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }

    private async Task RecordAsync(HttpContext context, string action)
    {
        try
        {
            var actor = context.GetStaffActor();
            Guid? target = context.Request.RouteValues.TryGetValue("id", out var id) && Guid.TryParse(id as string, out var userId) ? userId : null;
            var subject = context.Request.RouteValues.TryGetValue("sessionId", out var sid) ? sid as string : null;
            var db = context.RequestServices.GetRequiredService<AuthDbContext>();
            var targetName = target is null ? null
                : await db.Users.AsNoTracking().Where(u => u.Id == target).Select(u => u.Username).FirstOrDefaultAsync(context.RequestAborted);
            await context.RequestServices.GetRequiredService<AuditService>().RecordAsync(
                AuditService.Entry(actor, action, AuditOutcomes.Forbidden, time.GetUtcNow(), target, targetName, subject), context.RequestAborted);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or TimeoutException or Npgsql.NpgsqlException)
        {
            // The refusal stands whether or not it could be written down.
            logger.LogWarning("Could not record a refused staff attempt ({Action}): {Reason}", action, ex.Message);
        }
    }
}
