namespace AuthApp.Data;

/// <summary>
/// One login: every token pair issued by rotation belongs to it (<c>sid</c> claim). Revoking the
/// session stops all of its refresh tokens and, through the Redis blacklist, its access tokens.
/// A client-credentials grant is a session too, of a client rather than a user (exactly one of
/// <see cref="UserId"/> and <see cref="ClientId"/> is set), so that one revocation path ends both.
/// </summary>
public sealed class Session
{
    public Guid Id { get; set; }
    public Guid? UserId { get; set; }
    public User? User { get; set; }

    /// <summary>The OAuth client whose client-credentials grant opened this session (no user, no refresh token).</summary>
    public string? ClientId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The absolute end of the session: no refresh extends it.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedReason { get; set; }

    /// <summary>The user's <see cref="User.SecurityStamp"/> when this session was opened (or last re-stamped).</summary>
    public Guid SecurityStamp { get; set; }

    /// <summary>
    /// The revocation's number from <see cref="RevocationCounter"/>, in commit order: Redis records the highest
    /// number it holds, so an API instance can tell whether Redis has caught up with PostgreSQL before trusting it.
    /// </summary>
    public long? RevocationSeq { get; set; }

    // Rotation state. A session's refresh tokens form one chain: each refresh spends the current token and issues the
    // next, so the session only needs to know the current one. Any other refresh token signed for this session is
    // spent; presenting it is reuse. A refresh is then one in-place update of this row (no row per token, no index
    // to maintain), and PostgreSQL's row lock lets exactly one of several concurrent refreshes with one token win.

    /// <summary>
    /// The <c>jti</c> of the session's one unspent refresh token (a random one, already expired, for a session migrated
    /// with no unspent token left).
    /// </summary>
    public Guid RefreshJti { get; set; }

    /// <summary>When the current refresh token was issued: the login, or the last refresh.</summary>
    public DateTimeOffset RefreshIssuedAt { get; set; }

    /// <summary>When the current refresh token expires (never after <see cref="ExpiresAt"/>).</summary>
    public DateTimeOffset RefreshExpiresAt { get; set; }

    /// <summary>The token the last refresh spent, and when: only it can be a duplicate within the grace window.</summary>
    public Guid? PreviousRefreshJti { get; set; }

    public DateTimeOffset? PreviousRefreshSpentAt { get; set; }

    /// <summary>Issues the session's first refresh token (at login).</summary>
    public void StartChain(Guid refreshJti, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        RefreshJti = refreshJti;
        RefreshIssuedAt = issuedAt;
        RefreshExpiresAt = expiresAt;
    }
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
    public const string TokenRevoked = "token_revoked";
    public const string ClientDisabled = "client_disabled";
    public const string ClientSecretRotated = "client_secret_rotated";
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
