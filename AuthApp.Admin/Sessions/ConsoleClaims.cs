using System.Security.Claims;

namespace AuthApp.Admin.Sessions;

/// <summary>What the cookie's ticket holds: the server-side session's id and who it is (never a token).</summary>
public static class ConsoleClaims
{
    public const string SessionId = "console_sid";
    public const string UserId = "user_id";

    public static string? SessionIdOf(ClaimsPrincipal user) => user.FindFirst(SessionId)?.Value;
}
