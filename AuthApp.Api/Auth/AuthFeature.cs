namespace AuthApp.Api.Auth;

/// <summary>Login, refresh with rotation and reuse detection, logout: one small handler each.</summary>
public static class AuthFeature
{
    public static IServiceCollection AddAuth(this IServiceCollection services)
    {
        services.AddSingleton<RefreshTokenReader>();
        services.AddScoped<LoginHandler>();
        services.AddSingleton<LoginPhases>();
        services.AddScoped<RefreshHandler>();
        services.AddSingleton<RotationBatches>();
        services.AddHostedService(provider => provider.GetRequiredService<RotationBatches>());
        services.AddScoped<LogoutHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        app.MapGroup(ApiRoutes.Version1).MapAuthEndpoints();
        return app;
    }
}
