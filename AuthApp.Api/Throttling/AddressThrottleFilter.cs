using Microsoft.Extensions.Options;

namespace AuthApp.Api.Throttling;

public static class AddressThrottleFilter
{
    public const string Login = "login-address";
    public const string Register = "register-address";
    public const string Refresh = "refresh-address";
    public const string Forgot = "forgot-address";
    public const string Reset = "reset-address";
    public const string Confirm = "confirm-address";
    public const string Resend = "resend-address";
    public const string UserList = "user-list-address";

    /// <summary>Limits how often one client address may call this route, across all API instances.</summary>
    public static RouteHandlerBuilder RequireAddressThrottle(this RouteHandlerBuilder route, string kind, Func<ThrottleOptions, ThrottleRule> rule) =>
        route.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var decision = await HitAsync(http, kind, rule);
            return decision.Allowed
                ? await next(context)
                : TooManyRequests(http, decision, "Too many requests from this address; retry after the time in Retry-After.");
        })
        .ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <summary>Counts one request from the caller's address against the rule (the sign-in pages share the routes' counters).</summary>
    public static Task<ThrottleDecision> HitAsync(HttpContext http, string kind, Func<ThrottleOptions, ThrottleRule> rule)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<ThrottleOptions>>().Value;
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return http.RequestServices.GetRequiredService<RedisThrottle>().HitAsync(kind, address, rule(options));
    }

    public static IResult TooManyRequests(HttpContext http, ThrottleDecision decision, string detail)
    {
        http.Response.SetRetryAfter(decision.RetryAfter);
        return ApiProblem.Create(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "Too many requests", detail);
    }
}
