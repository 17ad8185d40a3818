namespace AuthApp.Api.Throttling;

public static class ThrottlingSetup
{
    public static IServiceCollection AddThrottling(this IServiceCollection services)
    {
        services.AddOptions<ThrottleOptions>().BindConfiguration(ThrottleOptions.Section);
        services.AddSingleton<RedisThrottle>();
        return services;
    }
}
