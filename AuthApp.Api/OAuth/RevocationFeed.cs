using AuthApp.Api.Tokens;
using AuthApp.Data;
using AuthApp.Data.OAuth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.OAuth;

/// <summary>One ended session and until when a token of it could still pass a signature check.</summary>
public sealed record RevokedSession(Guid Sid, DateTimeOffset Until);

/// <summary>
/// The feed's answer: every session ended with a revocation number above <c>after</c> up to <see cref="Highest"/>
/// (or, without <c>after</c>, every ended session whose tokens could still be live). Poll again with
/// <c>after=highest</c>; <see cref="More"/> says the page was full and the next poll should come at once.
/// </summary>
public sealed record RevocationFeedPage(long Highest, IReadOnlyList<RevokedSession> Sessions, bool More);

/// <summary>
/// What a service that validates AuthApp's tokens itself needs to see a logout: the sessions that ended, in the
/// order PostgreSQL numbered them (<see cref="RevocationCounter"/>: commit order, no gaps), so that a poller that
/// remembers the last number it saw misses nothing and reads each ending once.
/// </summary>
public sealed class RevocationFeed(AuthDbContext db, IOptions<JwtOptions> jwt, TimeProvider time)
{
    public const int PageSize = 5_000;

    public async Task<RevocationFeedPage> ReadAsync(long? after, CancellationToken ct)
    {
        var highest = await db.RevocationCounters.AsNoTracking()
            .Where(c => c.Id == RevocationCounter.SingletonId).Select(c => c.Value).SingleAsync(ct);
        var lifetime = jwt.Value.AccessTokenLifetime + jwt.Value.ClockSkew;
        var now = time.GetUtcNow();
        var since = now - lifetime;
        // Numbers are taken in commit order, so every revocation up to the highest read above has committed.
        var ended = db.Sessions.AsNoTracking().Where(s => s.RevokedAt != null && s.RevokedAt > since);
        ended = after is { } from && from <= highest
            ? ended.Where(s => s.RevocationSeq > from && s.RevocationSeq <= highest)
            : ended.Where(s => s.RevocationSeq == null || s.RevocationSeq <= highest);
        var rows = await ended.OrderBy(s => s.RevocationSeq)
            .Select(s => new { s.Id, s.RevocationSeq, RevokedAt = s.RevokedAt!.Value })
            .Take(PageSize + 1).ToListAsync(ct);
        var more = rows.Count > PageSize;
        if (more)
        {
            rows.RemoveAt(PageSize);
            highest = rows[^1].RevocationSeq ?? highest;
        }
        return new RevocationFeedPage(highest, [.. rows.Select(r => new RevokedSession(r.Id, r.RevokedAt + lifetime))], more);
    }
}

public static class RevocationFeedEndpoint
{
    public const string Path = "/connect/revocations";

    public static IEndpointRouteBuilder MapRevocationFeed(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, ReadAsync)
            .WithName("RevocationFeed")
            .WithTags("OAuth")
            .WithSummary("Sessions that ended (logout, reset, deactivation, staff, revoked or disabled client), for services that validate tokens themselves.")
            .AllowAnonymous() // the client authenticates with HTTP Basic, checked below
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static async Task<Results<Ok<RevocationFeedPage>, ProblemHttpResult>> ReadAsync(
        long? after, ClientAuthenticator clients, RevocationFeed feed, HttpContext http, CancellationToken ct)
    {
        if (await clients.AuthenticateAsync(http.Request, OAuthClientStore.RevocationFeedPermission, ct) is null)
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"AuthApp\"";
            return ApiProblem.Create(StatusCodes.Status401Unauthorized, ErrorCodes.NotAuthenticated, "Unauthorized",
                "Authenticate as a registered, enabled client: Authorization: Basic base64(client_id:client_secret).");
        }
        if (after is < 0)
        {
            return ApiProblem.Create(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "Bad request", "after must be zero or more.");
        }
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await feed.ReadAsync(after, ct));
    }
}
