namespace AuthApp.Admin.Sessions;

/// <summary>
/// One signed-in staff member, held on the server: the API's tokens never reach the browser, whose cookie carries
/// only this session's random id (encrypted and signed by Data Protection).
/// </summary>
public sealed class ConsoleSession
{
    public required string Id { get; init; }
    public required Guid UserId { get; init; }
    public required string Username { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>The staff member's address as the console last saw it, forwarded to the API for its audit trail and throttles.</summary>
    public string? ClientAddress { get; set; }

    /// <summary>
    /// The ID token AuthApp issued at sign-in (the hint for its end-session endpoint at sign-out); null for a session
    /// opened with a password (<see cref="ConsoleSignInMode.Password"/>).
    /// </summary>
    public string? IdToken { get; init; }

    /// <summary>Opened through AuthApp's sign-in: refreshed at its token endpoint as the console's client, ended there.</summary>
    public bool ThroughAuthApp => IdToken is not null;

    /// <summary>Seen to have a second factor (<see cref="SecondFactorGate"/>): not asked again for this session.</summary>
    public bool HasSecondFactor { get; set; }

    public string AccessToken { get; private set; } = "";
    public string RefreshToken { get; private set; } = "";
    public DateTimeOffset AccessExpiresAt { get; private set; }

    /// <summary>One refresh at a time per session: a refresh token is spent by its first use, and a second would be reuse.</summary>
    public SemaphoreSlim RefreshLock { get; } = new(1, 1);

    public void SetTokens(string accessToken, string refreshToken, DateTimeOffset accessExpiresAt)
    {
        AccessToken = accessToken;
        RefreshToken = refreshToken;
        AccessExpiresAt = accessExpiresAt;
    }

    public override string ToString() => $"console session of {Username}"; // never the tokens
}
