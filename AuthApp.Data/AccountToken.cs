namespace AuthApp.Data;

/// <summary>
/// A single-use token sent by e-mail (password reset, e-mail confirmation). The link carries
/// <c>id ‖ secret</c>; only a hash of the secret (bound to the purpose) is stored, so a copy of this table
/// opens no account. Spending it sets <see cref="UsedAt"/> in one conditional UPDATE.
/// </summary>
public sealed class AccountToken
{
    /// <summary>Random, not secret: it finds the row, and the secret is then compared in constant time.</summary>
    public Guid Id { get; set; }

    public Guid UserId { get; set; }
    public User? User { get; set; }

    /// <summary>One of <see cref="AccountTokenPurposes"/>; a token never works for another purpose.</summary>
    public required string Purpose { get; set; }

    /// <summary>SHA-256 of the purpose and the 256-bit secret.</summary>
    public required byte[] SecretHash { get; set; }

    /// <summary>The normalized address the token was sent to: it confirms that address and no later one.</summary>
    public required string Email { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was spent, or made void by a newer reset, a password change or an address change.</summary>
    public DateTimeOffset? UsedAt { get; set; }
}

public static class AccountTokenPurposes
{
    public const string PasswordReset = "password_reset";
    public const string EmailConfirmation = "email_confirmation";
}
