namespace AuthApp.Api.Recovery;

/// <summary>Password reset and address confirmation by mailed single-use tokens.</summary>
public static class RecoveryFeature
{
    public static IServiceCollection AddRecovery(this IServiceCollection services)
    {
        services.AddOptions<RecoveryOptions>().BindConfiguration(RecoveryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<AccountTokens>();
        services.AddScoped<AccountMail>();
        services.AddScoped<RecoveryService>();
        services.AddSingleton<ForgotPasswordQueue>();
        services.AddHostedService<ForgotPasswordWorker>();
        return services;
    }

    public static IEndpointRouteBuilder MapRecovery(this IEndpointRouteBuilder app)
    {
        app.MapGroup(ApiRoutes.Version1).MapRecoveryEndpoints();
        return app;
    }
}
