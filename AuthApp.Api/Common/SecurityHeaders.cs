namespace AuthApp.Api.Common;

public static class SecurityHeaders
{
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
                headers.SetBrowserHardeningHeaders();
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
}
