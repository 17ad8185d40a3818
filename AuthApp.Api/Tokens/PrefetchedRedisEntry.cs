using StackExchange.Redis;

namespace AuthApp.Api.Tokens;

/// <summary>
/// Endpoint metadata for a route that reads one Redis entry named by the caller's token (<c>GET /user/me</c>: the
/// cached profile). The access-token check reads that entry in the same Redis command as the revocation keys, so
/// the whole authenticated read costs one round trip; the route finds it as <see cref="PrefetchedRedisEntry"/>.
/// </summary>
public sealed record PrefetchRedisEntryMetadata(Func<TokenIdentifiers, RedisKey> KeyOf);

/// <summary>The entry read with this request's revocation check (<see cref="RedisValue.Null"/>: not in Redis).</summary>
public sealed record PrefetchedRedisEntry(RedisValue Value);

public static class PrefetchedRedisEntryExtensions
{
    public static TBuilder PrefetchRedisEntry<TBuilder>(this TBuilder builder, Func<TokenIdentifiers, RedisKey> keyOf)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new PrefetchRedisEntryMetadata(keyOf));

    /// <summary>The prefetched entry's value, or null when it was not read (Redis skipped, failing, or behind).</summary>
    public static RedisValue? GetPrefetchedRedisEntry(this HttpContext context) => context.Features.Get<PrefetchedRedisEntry>()?.Value;
}
