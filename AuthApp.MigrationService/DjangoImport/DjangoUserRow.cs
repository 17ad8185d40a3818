namespace AuthApp.MigrationService.DjangoImport;

/// <summary>What the import keeps of one row of the original's <c>users</c> table.</summary>
public sealed record DjangoUserRow(
    Guid Id,
    string Username,
    string Email,
    string Password,
    bool IsActive,
    bool IsStaff,
    bool IsSuperuser,
    DateTimeOffset DateJoined,
    DateTimeOffset? LastLogin);
