namespace AuthApp.Api.Admin;

/// <summary>A user as staff see it: e-mail and last login included.</summary>
public sealed record AdminUser(
    Guid Id, string Username, string Email, DateTimeOffset DateJoined, bool IsActive, bool IsStaff, DateTimeOffset? LastLogin,
    bool EmailVerified, DateTimeOffset? EmailVerifiedAt);

/// <summary>
/// A live login session of a user: when it began, when its tokens were last rotated, its absolute end
/// (<c>expires_at</c>), and when it lapses unless refreshed again (<c>refresh_expires_at</c>).
/// </summary>
public sealed record AdminSession(Guid Id, DateTimeOffset CreatedAt, DateTimeOffset LastRefreshedAt, DateTimeOffset ExpiresAt, DateTimeOffset RefreshExpiresAt);

/// <summary>The filters of GET /admin/users, as sent (the service validates them).</summary>
public sealed record AdminUserQuery(string? Search, string? IsActive, string? IsStaff, string? Cursor, string? Limit);
