namespace AuthApp.Api.Common;

public sealed class CorsSettings
{
    public const string Section = "Cors";

    /// <summary>Browser origins allowed to call the API. Empty (the default) means no cross-origin browser access.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}

public static class SecurityHeaders
{
    /// <summary>CORS from configuration, closed by default.</summary>
    public static IServiceCollection AddApiCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = configuration.GetSection(CorsSettings.Section).Get<CorsSettings>()?.AllowedOrigins ?? [];
        return services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .WithOrigins(origins)
            .WithMethods("GET", "POST", "PUT")
            .WithHeaders("Authorization", "Content-Type", "X-Refresh-Token")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
    }

    /// <summary>
    /// Headers for a JSON API that no browser should frame, sniff or cache: on every response.
    /// The interactive API reference (Development only) needs scripts, so it gets no CSP.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
                if (!context.Request.Path.StartsWithSegments("/scalar"))
                {
                    headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
                }
                // Tokens and personal data must not sit in shared or browser caches.
                if (context.Request.Path.StartsWithSegments("/api"))
                {
                    headers.CacheControl = "no-store";
                }
                return Task.CompletedTask;
            });
            await next(context);
        });

    /// <summary>
    /// Outside Development: HSTS, and HTTP redirected to HTTPS — except the health probes, which
    /// orchestrators send over plain HTTP inside the cluster.
    /// </summary>
    public static WebApplication UseHttpsOutsideDevelopment(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            return app;
        }
        app.UseHsts();
        app.UseWhen(
            context => !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/alive"),
            branch => branch.UseHttpsRedirection());
        return app;
    }
}
