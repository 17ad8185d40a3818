using AuthApp.Admin.Sessions;
using Microsoft.Extensions.Http.Resilience;

namespace AuthApp.Admin.Api;

public static class ConsoleApiSetup
{
    /// <summary>Service discovery's name for the API (the AppHost's <c>api</c> resource), https preferred.</summary>
    public const string DefaultApiAddress = "https+http://api";

    /// <summary>
    /// Two typed clients over service discovery, each with ServiceDefaults' standard resilience handler (which retries
    /// reads only, never a change), tuned for a person waiting: two quick retries, an 8 s attempt, 20 s in all.
    /// </summary>
    public static IServiceCollection AddConsoleApi(this IServiceCollection services, IConfiguration configuration)
    {
        var address = new Uri(configuration["Console:ApiAddress"] ?? DefaultApiAddress);
        services.AddHttpClient<ApiAuthClient>(http => http.BaseAddress = address);
        services.AddHttpClient<AdminApiClient>(http => http.BaseAddress = address).AddHttpMessageHandler<AccessTokenHandler>();
        foreach (var client in new[] { nameof(ApiAuthClient), nameof(AdminApiClient) })
        {
            services.Configure<HttpStandardResilienceOptions>($"{client}-standard", Tune);
        }
        return services;
    }

    private static void Tune(HttpStandardResilienceOptions options)
    {
        options.Retry.MaxRetryAttempts = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(250);
        options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(8);
        options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(20);
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(20);
        options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(5);
    }
}
