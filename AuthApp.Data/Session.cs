namespace AuthApp.Data;

/// <summary>
/// One login: every token pair issued by rotation belongs to it (<c>sid</c> claim). Revoking the
/// session stops all of its refresh tokens and, through the Redis blacklist, its access tokens.
/// A client-credentials grant is a session too, of a client rather than a user, so that one revocation path ends
/// both; so is a browser's sign-in to AuthApp's pages, and each app a person signs in to through them (see
/// <see cref="Kind"/>).
/// </summary>
public sealed class Session
{
    public Guid Id { get; set; }
    public Guid? UserId { get; set; }
    public User? User { get; set; }

    /// <summary>
    /// The OAuth client the session belongs to: a service's client-credentials grant (no user, no refresh token) or an
    /// app a person signed in to with the authorization code (user and client both).
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>What opened the session: one of <see cref="SessionKinds"/>.</summary>
    public string Kind { get; set; } = SessionKinds.Api;

    /// <summary>
    /// For an app's session: the browser's sign-in it came from. Ending the browser's session (sign-out, end-session)
    /// ends the apps' sessions opened from it.
    /// </summary>
    public Guid? ParentId { get; set; }

    /// <summary>The User-Agent that opened the session (cut to 256 characters), for the user's list of sessions.</summary>
    public string? UserAgent { get; set; }

    /// <summary>The client address that opened the session, as the trusted proxy reported it.</summary>
    public string? Address { get; set; }

    /// <summary>When the session last did something: opened, or its refresh token was last rotated.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
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

/// <summary>What opened a session; stored as text.</summary>
public static class SessionKinds
{
    /// <summary><c>POST /api/v1/user/login</c>: a pair of tokens for the caller.</summary>
    public const string Api = "api";

    /// <summary>AuthApp's sign-in page: the browser's single sign-on cookie, no tokens.</summary>
    public const string Browser = "browser";

    /// <summary>An app's authorization-code sign-in (OpenID Connect), opened from a browser session.</summary>
    public const string App = "app";

    /// <summary>A service's client-credentials grant.</summary>
    public const string Service = "service";

    public const int UserAgentMaxLength = 256;
    public const int AddressMaxLength = 64;
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
    public const string SignedOut = "signed_out";
    public const string EndedByUser = "ended_by_user";
    public const string AuthorizationCodeReuse = "authorization_code_reuse";
    public const string ConsentWithdrawn = "consent_withdrawn";
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
