using AuthApp.Admin.Api;
using Microsoft.Extensions.Options;

namespace AuthApp.Admin.Sessions;

/// <summary>
/// <c>Console:RequireSecondFactorForStaff</c> (on outside Development): a staff member whose account has no second factor
/// (an authenticator app or a passkey) gets <see cref="Path"/> instead of any console page until they enrol one. Asked of
/// the API (their own <c>/user/factors</c>) on each page request until it says yes, then not again for that console
/// session. Fails closed: an API that cannot answer sends the page there too. The page is server-rendered without the
/// console's navigation, so no interactive circuit can route around the check.
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
            if (!await HasSecondFactorAsync(http, session))
            {
                http.Response.Redirect(Path);
                return;
            }
            session.HasSecondFactor = true;
            await next(http);
        });
    }

    private static async Task<bool> HasSecondFactorAsync(HttpContext http, ConsoleSession session)
    {
        try
        {
            var token = await http.RequestServices.GetRequiredService<SessionTokens>().AccessTokenAsync(session, http.RequestAborted);
            var factors = await http.RequestServices.GetRequiredService<ApiAuthClient>().MyFactorsAsync(token, http.RequestAborted);
            return factors.Value is { Any: true };
        }
        catch (Exception e) when (e is ApiUnavailableException or ConsoleSessionEndedException)
        {
            return false; // closed: the page says the API could not be asked; an ended session is asked to sign in there
        }
    }
}
