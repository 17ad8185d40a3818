namespace AuthApp.Api.Tokens;

/// <summary>Claim names and values, kept exactly as simplejwt clients read them (no inbound claim mapping).</summary>
public static class TokenClaims
{
    public const string UserId = "user_id";
    public const string TokenType = "token_type";
    public const string SessionId = "sid";
    public const string Username = "username";
    public const string Role = "role";
    public const string ClientId = "client_id";
    public const string Scope = "scope";

    public const string AccessType = "access";
    public const string RefreshType = "refresh";
    public const string StaffRole = "staff";
    public const string StaffPolicy = "staff";
}
