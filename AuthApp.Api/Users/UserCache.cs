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
public sealed class UserCache(IConnectionMultiplexer redis, AuthDbContext db, IOptions<UserCacheOptions> options, ILogger<UserCache> logger)
{
    // v2: the profile gained email_verified; entries of the older shape are never read as the new one.
    private static RedisKey Key(Guid id) => $"authapp:user:v2:{id:N}";

    public async Task<UserProfile?> GetAsync(Guid id, CancellationToken ct)
    {
        try
        {
            var cached = await redis.GetDatabase().StringGetAsync(Key(id));
            if (cached.HasValue)
            {
                return JsonSerializer.Deserialize((string)cached!, ApiJsonContext.Default.UserProfile);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning("User cache read failed ({Reason}); reading PostgreSQL", ex.Message);
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
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(Key(id));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The entry expires on its own within the TTL; log so an operator can see the stale window.
            logger.LogError("Could not invalidate the cached profile of {UserId}: {Reason}", id, ex.Message);
        }
    }

    private async Task SetAsync(UserProfile profile)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(Key(profile.Id),
                JsonSerializer.Serialize(profile, ApiJsonContext.Default.UserProfile), options.Value.TimeToLive);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning("User cache write failed: {Reason}", ex.Message);
        }
    }
}
