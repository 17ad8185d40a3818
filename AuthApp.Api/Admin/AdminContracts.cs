namespace AuthApp.Api.Admin;

/// <summary>A user as staff see it: e-mail and last login included.</summary>
public sealed record AdminUser(
    Guid Id, string Username, string Email, DateTimeOffset DateJoined, bool IsActive, bool IsStaff, DateTimeOffset? LastLogin,
    bool EmailVerified, DateTimeOffset? EmailVerifiedAt);
