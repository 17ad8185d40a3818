namespace AuthApp.Data;

/// <summary>
/// One staff action, or attempt at one, through the API: who, what, on whom, when, from where, and how it ended.
/// Written in the same transaction as the change it records; names are kept as they were at the time, so the
/// trail still reads after an account is renamed or deleted.
/// </summary>
public sealed class AuditEntry
{
    public Guid Id { get; set; }
    public DateTimeOffset OccurredAt { get; set; }

    public Guid ActorId { get; set; }
    public required string ActorUsername { get; set; }

    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public required string Action { get; set; }

    public Guid? TargetUserId { get; set; }
    public string? TargetUsername { get; set; }

    /// <summary>What else the action named: a session id, a signing key's kid.</summary>
    public string? Subject { get; set; }

    public string? ClientAddress { get; set; }

    /// <summary>One of <see cref="AuditOutcomes"/>.</summary>
    public required string Outcome { get; set; }
}

/// <summary>The actions the trail records; stored as text, never renamed once written.</summary>
public static class AuditActions
{
    public const string ListUsers = "users.list";
    public const string ViewUser = "user.view";
    public const string ListSessions = "user.sessions.list";
    public const string Deactivate = "user.deactivate";
    public const string Activate = "user.activate";
    public const string GrantStaff = "user.grant_staff";
    public const string RevokeStaff = "user.revoke_staff";
    public const string RevokeSessions = "user.revoke_sessions";
    public const string RevokeSession = "user.revoke_session";
    public const string ListKeys = "keys.list";
    public const string RotateKey = "keys.rotate";
    public const string ListAudit = "audit.list";
    public const string ListClients = "clients.list";
    public const string CreateClient = "client.create";
    public const string RotateClientSecret = "client.rotate_secret";
    public const string DisableClient = "client.disable";
    public const string EnableClient = "client.enable";

    /// <summary>A person signed in with one of their recovery codes (the actor is the account itself).</summary>
    public const string UseRecoveryCode = "user.recovery_code";

    /// <summary>Staff removed a user's authenticator app and recovery codes (a lost phone); the user is mailed.</summary>
    public const string ResetFactors = "user.reset_factors";
    public const string ViewFactors = "user.factors.view";

    public static readonly IReadOnlyList<string> All =
    [
        ListUsers, ViewUser, ListSessions, Deactivate, Activate, GrantStaff, RevokeStaff, RevokeSessions, RevokeSession,
        ListKeys, RotateKey, ListAudit, ListClients, CreateClient, RotateClientSecret, DisableClient, EnableClient,
        UseRecoveryCode, ResetFactors, ViewFactors,
    ];
}

public static class AuditOutcomes
{
    public const string Succeeded = "succeeded";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string Refused = "refused";
}
