using Microsoft.AspNetCore.Authorization;

namespace AuthApp.Api.Audit;

/// <summary>
/// The audit trail of staff actions: written by the features that act (in their transactions), refused attempts
/// recorded from the authorization failure path, listed at GET /admin/audit, and deleted after <c>Audit:Retention</c>.
/// </summary>
public static class AuditFeature
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<AuditService>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ForbiddenAttemptRecorder>();
        services.AddSingleton<AuditRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditRetention>());
        return services;
    }

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        app.MapGroup(ApiRoutes.Version1).MapAuditEndpoints();
        return app;
    }
}
