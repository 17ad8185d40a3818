using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace AuthApp.Admin.Sessions;

/// <summary>
/// Single-use tokens for the sign-in form, on top of antiforgery: a captured sign-in post replayed later finds its
/// nonce already spent (or expired) and is refused, even with a valid antiforgery cookie and token.
/// </summary>
public sealed class FormNonces(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(20);
    private const int MaximumOutstanding = 10_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _issued = new(StringComparer.Ordinal);

    public string Issue()
    {
        var now = time.GetUtcNow();
        if (_issued.Count >= MaximumOutstanding)
        {
            foreach (var (nonce, expires) in _issued.Where(n => n.Value <= now))
            {
                _issued.TryRemove(nonce, out _);
            }
        }
        var issued = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _issued[issued] = now + Lifetime;
        return issued;
    }

    /// <summary>True once for a nonce this instance issued and that has not expired.</summary>
    public bool TryConsume(string? nonce) =>
        nonce is not null && _issued.TryRemove(nonce, out var expires) && expires > time.GetUtcNow();
}
