using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthApp.Api.Health;

/// <summary>The original service's health route: 200 when PostgreSQL and Redis answer, else 503, with no internals.</summary>
public static class ApiHealthEndpoint
{
    public sealed record HealthStatus(string Status);

    public static IEndpointRouteBuilder MapApiHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", CheckAsync)
            .WithName("ApiHealth")
            .WithTags("Health")
            .WithSummary("Health of the service and its PostgreSQL and Redis, for the original service's clients.")
            .AllowAnonymous()
            .DisableHttpMetrics();
        return app;
    }

    private static async Task<Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>>> CheckAsync(
        HealthCheckService health, CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(ct);
        return report.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
            ? TypedResults.Ok(new HealthStatus("healthy"))
            : TypedResults.Json(new HealthStatus("unhealthy"), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
