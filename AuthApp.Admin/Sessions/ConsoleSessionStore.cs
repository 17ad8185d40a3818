using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace AuthApp.Admin.Sessions;

/// <summary>
/// The server-side sessions, in this process's memory. One console instance is the deployment model: a Blazor
/// Server circuit already pins a browser to one instance, the console serves a handful of staff, and tokens held in
/// memory are never written anywhere (not to Redis, which the API shares, nor to disk). A restart signs staff out.
/// </summary>
public sealed class ConsoleSessionStore(TimeProvider time, IOptions<ConsoleSessionOptions> options)
{
    private readonly ConcurrentDictionary<string, ConsoleSession> _sessions = new(StringComparer.Ordinal);

    public ConsoleSession Create(Guid userId, string username, string? clientAddress, string accessToken, string refreshToken,
        DateTimeOffset accessExpiresAt, string? idToken = null)
    {
        var now = time.GetUtcNow();
        var session = new ConsoleSession
        {
            Id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            UserId = userId,
            Username = username,
            CreatedAt = now,
            LastSeenAt = now,
            ClientAddress = clientAddress,
            IdToken = idToken,
        };
        session.SetTokens(accessToken, refreshToken, accessExpiresAt);
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>The live session with this id, or null when there is none or it has expired (idle or absolute).</summary>
    public ConsoleSession? Find(string? id)
    {
        if (id is null || !_sessions.TryGetValue(id, out var session))
        {
            return null;
        }
        return IsExpired(session, time.GetUtcNow()) ? null : session;
    }

    /// <summary>A request or a page used the session: it stays alive for another idle period.</summary>
    public void Touch(ConsoleSession session, string? clientAddress)
    {
        session.LastSeenAt = time.GetUtcNow();
        if (clientAddress is not null)
        {
            session.ClientAddress = clientAddress;
        }
    }

    public ConsoleSession? Remove(string? id) => id is not null && _sessions.TryRemove(id, out var session) ? session : null;

    /// <summary>Takes out every expired session, for the caller to log out at the API.</summary>
    public IReadOnlyList<ConsoleSession> RemoveExpired()
    {
        var now = time.GetUtcNow();
        var expired = new List<ConsoleSession>();
        foreach (var session in _sessions.Values.Where(s => IsExpired(s, now)))
        {
            if (_sessions.TryRemove(session.Id, out _))
            {
                expired.Add(session);
            }
        }
        return expired;
    }

    private bool IsExpired(ConsoleSession session, DateTimeOffset now) =>
        now - session.LastSeenAt > options.Value.IdleTimeout || now - session.CreatedAt > options.Value.AbsoluteLifetime;
}
