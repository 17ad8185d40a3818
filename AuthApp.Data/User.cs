namespace AuthApp.Data;

/// <summary>An account (the Django <c>auth_user</c> row, with a UUID key).</summary>
public sealed class User
{
    public Guid Id { get; set; }
    public required string Username { get; set; }

    /// <summary>The username as compared for uniqueness (case-folded); a unique index enforces it.</summary>
    public required string NormalizedUsername { get; set; }

    public required string Email { get; set; }

    /// <summary>The e-mail as compared for uniqueness (case-folded); a unique index enforces it.</summary>
    public required string NormalizedEmail { get; set; }

    public required string PasswordHash { get; set; }
    public bool IsActive { get; set; } = true;
    public bool IsStaff { get; set; }
    public bool IsSuperuser { get; set; }
    public DateTimeOffset DateJoined { get; set; }
    public DateTimeOffset? LastLogin { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the current address was confirmed through a mailed link; null while it is unconfirmed.</summary>
    public DateTimeOffset? EmailVerifiedAt { get; set; }

    public List<Session> Sessions { get; set; } = [];
}
