namespace AuthApp.Api.Audit;

/// <summary>An entry of the audit trail as staff read it.</summary>
public sealed record AuditRecord(
    Guid Id, DateTimeOffset OccurredAt, Guid ActorId, string ActorUsername, string Action,
    Guid? TargetUserId, string? TargetUsername, string? Subject, string? ClientAddress, string Outcome);

/// <summary>Who is acting, as the request's validated access token and connection say: what every audited service call takes.</summary>
public sealed record StaffActor(Guid Id, string Username, string? ClientAddress);

/// <summary>The filters of GET /admin/audit, as sent (the service validates them).</summary>
public sealed record AuditQuery(string? Actor, string? Target, string? Action, string? From, string? To, string? Cursor, string? Limit);
