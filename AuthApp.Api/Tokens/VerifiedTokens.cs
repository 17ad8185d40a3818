using Microsoft.Extensions.Caching.Memory;

namespace AuthApp.Api.Tokens;

/// <summary>
/// Tokens whose signature, issuer and claims <see cref="TokenService.ReadAnyTokenAsync"/> has checked in the last minute.
/// A service that introspects the token of each request it serves asks about the same token again and again, and the
/// ES256 verification (about 50 µs here) was the largest part of an introspection's CPU; it is now paid once per token
/// per minute. Only the signature check is remembered: the token's lifetime is checked on every read against the
/// injected clock, and revocation is asked every time by the caller. A key leaves the ring only after the tokens it
/// signed have expired, so nothing remembered here outlives its key's validity.
/// </summary>
public sealed class VerifiedTokens
{
    /// <summary>About 1.5 KiB each (the token as key, its claims as value): a few MiB at most.</summary>
    public const int Capacity = 4096;

    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public bool TryGet(string token, out IssuedToken issued) => _cache.TryGetValue(token, out issued!);

    public void Remember(string token, IssuedToken issued) =>
        _cache.Set(token, issued, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });
}
