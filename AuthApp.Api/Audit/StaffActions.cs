using AuthApp.Api.Tokens;

namespace AuthApp.Api.Audit;

/// <summary>Marks a staff route with the audit action it performs, so that a refused attempt (403) is recorded under that name.</summary>
public sealed record AuditedAction(string Action);

public static class StaffActions
{
    public static TBuilder Audited<TBuilder>(this TBuilder builder, string action) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AuditedAction(action));

    /// <summary>The caller of a staff route: the validated access token's user and the client's address (after trusted proxies).</summary>
    public static StaffActor GetStaffActor(this HttpContext http)
    {
        var token = http.GetAccessToken();
        return new StaffActor(token.Ids.UserId, http.User.FindFirst(TokenClaims.Username)?.Value ?? "", http.ClientAddress());
    }
}
