namespace AuthApp.Api.Auth;

/// <summary>Log in by e-mail (the original's contract) or by username.</summary>
public sealed record LoginRequest(string? Email, string? Username, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

public sealed record LoginUser(Guid Id, string Username, string Email);

public sealed record LoginResponse(
    string Message, string AccessToken, string RefreshToken, string TokenType, int ExpiresIn, LoginUser User);

public sealed record TokenPairResponse(string AccessToken, string RefreshToken, string TokenType, int ExpiresIn);

public sealed record MessageResponse(string Message);
