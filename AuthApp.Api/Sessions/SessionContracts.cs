namespace AuthApp.Api.Sessions;

/// <summary>
/// One of the user's live sessions as they see it: what opened it (<c>api</c> login, <c>browser</c> sign-in page, an
/// <c>app</c> signed in through it, named by <c>client_id</c>), from where, and whether it is the caller's own.
/// </summary>
public sealed record UserSessionInfo(
    Guid Id, string Kind, string? ClientId, string? UserAgent, string? Address, DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset ExpiresAt, bool Current);

public sealed record UserSessionList(IReadOnlyList<UserSessionInfo> Sessions);
