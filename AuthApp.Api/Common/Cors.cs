using Microsoft.Extensions.Options;
using AspNetCorsOptions = Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions;

namespace AuthApp.Api.Common;

public sealed class CorsSettings
{
    public const string Section = "Cors";

    /// <summary>Browser origins allowed to call the API. Empty (the default) means no cross-origin browser access.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    public bool HasOnlyOrigins => AllowedOrigins.All(origin =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" &&
        uri.GetLeftPart(UriPartial.Authority) == origin.TrimEnd('/'));
}

public static class Cors
{
    /// <summary>CORS from configuration, closed by default; an origin that is not scheme://host[:port] stops the API at start.</summary>
    public static IServiceCollection AddApiCors(this IServiceCollection services)
    {
        services.AddOptions<CorsSettings>().BindConfiguration(CorsSettings.Section)
            .Validate(settings => settings.HasOnlyOrigins, "Cors:AllowedOrigins must hold origins only, like https://app.example.com (no path, no wildcard).")
            .ValidateOnStart();
        services.AddCors();
        services.AddOptions<AspNetCorsOptions>().Configure<IOptions<CorsSettings>>((cors, settings) => cors.AddDefaultPolicy(policy => policy
            .WithOrigins(settings.Value.AllowedOrigins)
            .WithMethods("GET", "POST", "PUT")
            .WithHeaders("Authorization", "Content-Type", "X-Refresh-Token")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return services;
    }
}
