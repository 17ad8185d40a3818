namespace AuthApp.Api.Throttling;

/// <summary>Brute-force and flood limits counted in Redis, shared by every API instance.</summary>
public static class ThrottlingFeature
{
    public static IServiceCollection AddThrottling(this IServiceCollection services)
    {
        services.AddOptions<ThrottleOptions>().BindConfiguration(ThrottleOptions.Section)
            .Validate(options => options.Rules.All(rule => rule.IsValid),
                $"Every {ThrottleOptions.Section} rule needs a Limit of at least 1 and a Window from 1 second to 1 day.")
            .ValidateOnStart();
        services.AddSingleton<RedisThrottle>();
        return services;
    }
}
