namespace AuthApp.Api.Recovery;

public sealed record ForgotPasswordRequest(string? Email);

public sealed record ResetPasswordRequest(string? Token, string? Password, string? ConfirmPassword);

public sealed record ConfirmEmailRequest(string? Token);
