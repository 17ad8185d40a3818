using AuthApp.Data;

namespace AuthApp.Api.Sessions;

/// <summary>Where a session was opened from, as the user's list of sessions shows it: the browser or program, and the address.</summary>
public sealed record SessionOrigin(string? UserAgent, string? Address)
{
    public static readonly SessionOrigin Unknown = new(null, null);

    /// <summary>The request's User-Agent (cut to the column's length) and client address (after the trusted proxy).</summary>
    public static SessionOrigin Of(HttpContext http)
    {
        var agent = http.Request.Headers.UserAgent.ToString();
        var address = http.Connection.RemoteIpAddress?.ToString();
        return new SessionOrigin(
            string.IsNullOrWhiteSpace(agent) ? null : Cut(agent, SessionKinds.UserAgentMaxLength),
            address is null ? null : Cut(address, SessionKinds.AddressMaxLength));
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];
}
