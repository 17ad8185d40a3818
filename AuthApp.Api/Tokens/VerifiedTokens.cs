using Microsoft.Extensions.Caching.Memory;

namespace AuthApp.Api.Tokens;

/// <summary>
/// Tokens whose signature, issuer and claims were checked in the last minute, with what the check found: for
/// introspection (<see cref="TokenService.ReadAnyTokenAsync"/>) and for the access tokens of AuthApp's own routes
/// (<see cref="RememberingTokenHandler"/>). A client sends the same token with request after request, and the ES256
/// verification (about 50 µs here) was the largest part of an introspection's CPU and of a <c>GET /user/me</c>'s JWT
/// work; it is now paid once per token per minute. Only the signature check is remembered: the token's lifetime is
/// checked on every use against the injected clock, and revocation is asked every time by the caller. A key leaves
/// the ring only after the tokens it signed have expired, so nothing remembered here outlives its key's validity.
/// </summary>
public sealed class VerifiedTokens<T>
{
    /// <summary>
    /// A few KiB each (the token as key; its claims, and for the bearer check the parsed token, as value): some 10–20 MiB
    /// per cache when full.
    /// </summary>
    public const int Capacity = 4096;

    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public bool TryGet(string token, out T verified) => _cache.TryGetValue(token, out verified!);

    public void Remember(string token, T verified) =>
        _cache.Set(token, verified, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });
}
