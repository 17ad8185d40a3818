namespace AuthApp.Api.Users;

/// <summary>Registration, the caller's profile (cached in Redis) and its changes, and the public user list.</summary>
public static class UsersFeature
{
    public static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.AddOptions<UserOptions>().BindConfiguration(UserOptions.Section);
        services.AddOptions<UserCacheOptions>().BindConfiguration(UserCacheOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<UserCache>();
        services.AddScoped<UserService>();
        return services;
    }

    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        app.MapGroup(ApiRoutes.Version1).MapUserEndpoints();
        return app;
    }
}
