namespace AuthApp.Data.Factors;

/// <summary>
/// The second half of a login: the password was right and the account has a second factor, so instead of a session the
/// client got this challenge (<c>id ‖ secret</c>; only a hash of the secret is stored). It is spent by the first right
/// code, lives <see cref="ExpiresAt"/>, and locks after five wrong codes in a row.
/// </summary>
public sealed class LoginChallenge
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }
    public User? User { get; set; }

    public required byte[] SecretHash { get; set; }

    /// <summary>The account's security stamp when the password was checked: a reset or "end all sessions" since voids the challenge.</summary>
    public Guid SecurityStamp { get; set; }

    /// <summary>What the login opens once the factor is given: an API session (JSON login) or a browser session.</summary>
    public required string SessionKind { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    public int FailedAttempts { get; set; }

    /// <summary>Set when a right code spent it (or, with five wrong ones, when it locked).</summary>
    public DateTimeOffset? EndedAt { get; set; }

    public string? UserAgent { get; set; }
    public string? Address { get; set; }
}
