using AuthApp.Data;

namespace AuthApp.Api.Users;

// Requests: every field is optional in the type so that a missing one is a validation error with the
// field's name, not an unreadable body. Unknown fields are refused (see Program.cs JSON options).
public sealed record CreateUserRequest(string? Username, string? Email, string? Password);

/// <summary>
/// A change of the caller's account. <c>SecondFactorCode</c>: for an account with a second factor, a code from its
/// authenticator app or a recovery code, or <c>SecondFactorPasskey</c>, which a change of password or e-mail needs (step-up).
/// </summary>
public sealed record UpdateUserRequest(
    string? Username, string? Email, string? Password, string? ConfirmPassword, string? CurrentPassword,
    string? SecondFactorCode = null, Factors.PasskeyAnswer? SecondFactorPasskey = null);

// Responses: snake_case on the wire (date_joined, is_active…), as the Django service wrote them.
public sealed record CreatedUserResponse(Guid Id, string Username, string Email, DateTimeOffset DateJoined, bool IsActive);

public sealed record UserProfile(
    Guid Id, string Username, string Email, DateTimeOffset DateJoined, bool IsActive, bool IsStaff, bool EmailVerified, DateTimeOffset? EmailVerifiedAt)
{
    public static UserProfile Of(User user) => new(user.Id, user.Username, user.Email, user.DateJoined, user.IsActive, user.IsStaff,
        user.EmailVerifiedAt is not null, user.EmailVerifiedAt);
}

public sealed record UpdateUserResponse(string Message, UserProfile User);

public sealed record PublicUser(Guid Id, string Username, DateTimeOffset DateJoined);
