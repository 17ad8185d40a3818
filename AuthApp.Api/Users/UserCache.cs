using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AuthApp.Api.Users;

public sealed class UserCacheOptions
{
    public const string Section = "UserCache";

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// The original's "user session caching": profiles by id in Redis (<c>authapp:user:v2:{id}</c>), so that
/// <c>GET /user/me</c> is answered without PostgreSQL. Invalidated by every change to the user.
/// If Redis fails, the profile comes from PostgreSQL: slower, still correct.
/// </summary>
public sealed class UserCache(RedisGuard redis, AuthDbContext db, IOptions<UserCacheOptions> options, ILogger<UserCache> logger)
{
    // v2: the profile gained email_verified; entries of the older shape are never read as the new one.
    public static RedisKey Key(Guid id) => $"authapp:user:v2:{id:N}";

    /// <summary>
    /// The profile of an active account (<c>GET /user/me</c>); an inactive or deleted account is refused like a bad
    /// token. The route asks for this alone, not for
    /// <see cref="UserService"/>, whose scoped dependencies were ~5% of the API's CPU per read.
    /// </summary>
    public async Task<Outcome<UserProfile>> GetActiveAsync(Guid id, RedisValue? prefetched, CancellationToken ct) =>
        await GetAsync(id, prefetched, ct) is { IsActive: true } profile ? profile : UserService.AccountGone;

    /// <param name="prefetched">The entry as already read with the request's revocation check (see
    /// <see cref="AuthApp.Api.Tokens.PrefetchedRedisEntry"/>), or null to read it here.</param>
    public async Task<UserProfile?> GetAsync(Guid id, RedisValue? prefetched, CancellationToken ct)
    {
        var (ok, cached) = prefetched is { } value ? (true, value) : await redis.TryAsync("user_cache.get", database => database.StringGetAsync(Key(id)));
        if (ok && cached.HasValue)
        {
            // Straight from Redis's UTF-8 bytes: no string made and turned back into bytes on every request.
            return JsonSerializer.Deserialize(((ReadOnlyMemory<byte>)cached).Span, ApiJsonContext.Default.UserProfile);
        }

        var profile = await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new UserProfile(u.Id, u.Username, u.Email, u.DateJoined, u.IsActive, u.IsStaff, u.EmailVerifiedAt != null, u.EmailVerifiedAt))
            .SingleOrDefaultAsync(ct);
        if (profile is not null)
        {
            await SetAsync(profile);
        }
        return profile;
    }

    public async Task InvalidateAsync(Guid id)
    {
        if (!(await redis.TryAsync("user_cache.invalidate", database => database.KeyDeleteAsync(Key(id)))).Ok)
        {
            // The entry expires on its own within the TTL; log so an operator can see the stale window.
            logger.LogError("Could not invalidate the cached profile of {UserId}; it may be served for up to {TimeToLive}", id, options.Value.TimeToLive);
        }
    }

    private async Task SetAsync(UserProfile profile)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(profile, ApiJsonContext.Default.UserProfile);
        await redis.TryAsync("user_cache.set", database => database.StringSetAsync(Key(profile.Id), json, options.Value.TimeToLive));
    }
}
