using AuthApp.Admin.Sessions;
using Microsoft.Extensions.Options;

namespace AuthApp.Admin;

public static class SecurityHeaders
{
    /// <summary>
    /// Headers for a staff console: no framing, no sniffing, no referrer, scripts from the console only; and the
    /// Blazor circuit (a WebSocket, which browsers open cross-site without CORS) only from the console's own pages.
    /// </summary>
    public static IApplicationBuilder UseConsoleSecurityHeaders(this IApplicationBuilder app)
    {
        var policy = ContentSecurityPolicy(app.ApplicationServices.GetRequiredService<IOptions<ConsoleSignInOptions>>().Value);
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/_blazor") && !IsSameOrigin(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.SetBrowserHardeningHeaders();
                headers.ContentSecurityPolicy = policy;
                if (!headers.ContainsKey("Cache-Control"))
                {
                    headers.CacheControl = "no-store";
                }
                return Task.CompletedTask;
            });
            await next(context);
        });
    }

    /// <summary>
    /// FluentUI's web components set inline styles; no inline script is needed. Forms post to the console, and the sign-out
    /// form's answer goes on to AuthApp's end-session (browsers apply form-action to that redirect as well).
    /// </summary>
    private static string ContentSecurityPolicy(ConsoleSignInOptions signIn)
    {
        var formAction = signIn.ThroughAuthApp && Uri.TryCreate(signIn.Authority, UriKind.Absolute, out var authority)
            ? $"'self' {authority.GetLeftPart(UriPartial.Authority)}"
            : "'self'";
        return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
               $"frame-ancestors 'none'; form-action {formAction}; base-uri 'self'; object-src 'none'";
    }

    /// <summary>A request without an Origin header (not a browser's cross-site request) or from this console's own origin.</summary>
    private static bool IsSameOrigin(HttpRequest request) =>
        request.Headers.Origin.ToString() is not { Length: > 0 } origin ||
        (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
}
