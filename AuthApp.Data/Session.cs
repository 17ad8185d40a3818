namespace AuthApp.Data;

/// <summary>
/// One login: every token pair issued by rotation belongs to it (<c>sid</c> claim). Revoking the
/// session stops all of its refresh tokens and, through the Redis blacklist, its access tokens.
/// </summary>
public sealed class Session
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public User? User { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The absolute end of the session: no refresh extends it.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedReason { get; set; }

    /// <summary>
    /// The revocation's number from <see cref="RevocationCounter"/>, in commit order: Redis records the highest
    /// number it holds, so an API instance can tell whether Redis has caught up with PostgreSQL before trusting it.
    /// </summary>
    public long? RevocationSeq { get; set; }

    public List<RefreshToken> RefreshTokens { get; set; } = [];
}

/// <summary>A refresh token's server-side record, keyed by its <c>jti</c>. Spending it is one atomic UPDATE.</summary>
public sealed class RefreshToken
{
    public Guid Jti { get; set; }
    public Guid SessionId { get; set; }
    public Session? Session { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was exchanged for a new pair; presenting it again after that is reuse.</summary>
    public DateTimeOffset? SpentAt { get; set; }
}

/// <summary>Why a session ended; stored as text.</summary>
public static class SessionRevocationReasons
{
    public const string Logout = "logout";
    public const string Reuse = "refresh_token_reuse";
    public const string PasswordChange = "password_change";
    public const string PasswordReset = "password_reset";
    public const string Deactivated = "deactivated";
    public const string AdminRevoked = "admin_revoked";
}

/// <summary>
/// The one-row counter that numbers revocations. Taking the next number updates this row, so revoking
/// transactions queue on its lock and numbers are handed out in commit order, without gaps.
/// </summary>
public sealed class RevocationCounter
{
    public const int SingletonId = 1;

    public int Id { get; set; }
    public long Value { get; set; }
}
