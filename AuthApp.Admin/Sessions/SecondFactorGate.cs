using AuthApp.Admin.Api;
using Microsoft.Extensions.Options;

namespace AuthApp.Admin.Sessions;

/// <summary>
/// <c>Console:RequireSecondFactorForStaff</c> (on outside Development): a staff member whose account has no second factor
/// (an authenticator app or a passkey) gets <see cref="Path"/> instead of any console page until they enrol one. Asked of
/// the API (their own <c>/user/factors</c>) once per console session that has one, on every page until then. An API
/// that cannot answer lets the page through: it shows its own outage banner and can do nothing without the API anyway.
/// </summary>
public static class SecondFactorGate
{
    public const string Setting = "Console:RequireSecondFactorForStaff";
    public const string Path = "/second-factor-required";

    private static readonly string[] Open = [Path, "/signout", "/signin", "/signin-oidc", "/signout-callback-oidc", "/_framework", "/_blazor", "/_content",
        "/health", "/alive", "/not-found", "/error", "/favicon"];

    public static bool IsRequired(IConfiguration configuration, IHostEnvironment environment) =>
        configuration.GetValue(Setting, !environment.IsDevelopment());

    public static IApplicationBuilder UseSecondFactorGate(this WebApplication app)
    {
        if (!IsRequired(app.Configuration, app.Environment))
        {
            return app;
        }
        return app.Use(async (http, next) =>
        {
            if (http.User.Identity?.IsAuthenticated != true || Open.Any(p => http.Request.Path.StartsWithSegments(p))
                || http.Request.Path.Value?.Contains('.') == true) // static files: css, js, images
            {
                await next(http);
                return;
            }
            var store = http.RequestServices.GetRequiredService<ConsoleSessionStore>();
            if (store.Find(ConsoleClaims.SessionIdOf(http.User)) is not { HasSecondFactor: false } session)
            {
                await next(http);
                return;
            }
            var factors = await http.RequestServices.GetRequiredService<ApiAuthClient>().MyFactorsAsync(session.AccessToken, http.RequestAborted);
            if (factors.Value is { Any: false })
            {
                http.Response.Redirect(Path);
                return;
            }
            session.HasSecondFactor = factors.Value is { Any: true };
            await next(http);
        });
    }
}
