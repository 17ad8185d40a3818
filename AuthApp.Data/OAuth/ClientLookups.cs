using System.Collections.Concurrent;

namespace AuthApp.Data.OAuth;

/// <summary>
/// Clients found by id in the last second (or found missing), per process: a burst of token requests or introspections
/// by one client reads its row once a second instead of once a request.
/// </summary>
public sealed class ClientLookups(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (OAuthClient? Client, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string clientId, out OAuthClient? client)
    {
        if (_entries.TryGetValue(clientId, out var entry) && entry.Until > time.GetUtcNow())
        {
            client = entry.Client;
            return true;
        }
        client = null;
        return false;
    }

    public void Set(string clientId, OAuthClient? client)
    {
        // Bounded: made-up client ids must not grow the map without end.
        if (_entries.Count > 10_000)
        {
            _entries.Clear();
        }
        _entries[clientId] = (client, time.GetUtcNow() + Lifetime);
    }

    public void Forget(string? clientId)
    {
        if (clientId is not null)
        {
            _entries.TryRemove(clientId, out _);
        }
    }
}
