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

    /// <summary>
    /// Changes whenever the account's credentials or standing change (a password change or reset, a deactivation, "end
    /// all sessions"). Each session carries the stamp its login saw, and a session is created, and rotates, only while
    /// the stamps still agree: a login that verified the old password cannot outlive a reset that commits meanwhile.
    /// </summary>
    public Guid SecurityStamp { get; set; } = Guid.NewGuid();

    public List<Session> Sessions { get; set; } = [];

    /// <summary>A new active account: the names as typed (trimmed; the e-mail's domain lower-cased) and normalized.</summary>
    public static User NewAccount(string username, string email, string passwordHash, DateTimeOffset joined) => new()
    {
        Id = Guid.CreateVersion7(joined),
        Username = username.Trim(),
        NormalizedUsername = UserNormalization.Username(username),
        Email = UserNormalization.EmailForDisplay(email),
        NormalizedEmail = UserNormalization.Email(email),
        PasswordHash = passwordHash,
        IsActive = true,
        DateJoined = joined,
        UpdatedAt = joined,
    };
}
