using AuthApp.Admin.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthApp.Admin.Sessions;

public static class ConsoleSessionsSetup
{
    public const string SignInPath = "/signin";
    public const string SignOutPath = "/signout";

    /// <summary>
    /// Cookie authentication whose ticket names a server-side session; the cookie is HttpOnly, SameSite=Strict,
    /// Secure outside Development (and then <c>__Host-</c> prefixed). A request whose session has ended is signed out.
    /// </summary>
    public static IServiceCollection AddConsoleSessions(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddOptions<ConsoleSessionOptions>().BindConfiguration(ConsoleSessionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ConsoleSessionStore>();
        services.AddSingleton<FormNonces>();
        services.AddTransient<SessionTokens>();
        services.AddTransient<AccessTokenHandler>();
        services.AddScoped<ConsoleSignIn>();
        services.AddHostedService<ExpiredSessionSweeper>();

        var development = environment.IsDevelopment();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = development ? "authapp-console" : "__Host-authapp-console";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            cookie.Cookie.Path = "/";
            cookie.LoginPath = SignInPath;
            cookie.LogoutPath = SignOutPath;
            cookie.AccessDeniedPath = SignInPath;
            cookie.ReturnUrlParameter = "returnUrl";
            // The idle limit is the server session's (kept alive by pages and API calls alike); the cookie carries the absolute one.
            cookie.SlidingExpiration = false;
            cookie.Events.OnValidatePrincipal = ValidateAsync;
        });
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<Microsoft.Extensions.Options.IOptions<ConsoleSessionOptions>>((cookie, sessions) => cookie.ExpireTimeSpan = sessions.Value.AbsoluteLifetime);
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, ConsoleAuthenticationStateProvider>();
        return services;
    }

    /// <summary>Every request with a cookie: its server session must still be alive; it stays alive for another idle period.</summary>
    private static Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var store = context.HttpContext.RequestServices.GetRequiredService<ConsoleSessionStore>();
        var session = context.Principal is null ? null : store.Find(ConsoleClaims.SessionIdOf(context.Principal));
        if (session is null)
        {
            context.RejectPrincipal();
            return context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
        store.Touch(session, context.HttpContext.ClientAddress());
        return Task.CompletedTask;
    }

    /// <summary>POST /signout: a form with an antiforgery token (a bare cross-site post is refused), then back to sign-in.</summary>
    public static IEndpointRouteBuilder MapConsoleSignOut(this IEndpointRouteBuilder app)
    {
        app.MapPost(SignOutPath, async ([FromForm] string? reason, HttpContext http, ConsoleSignIn signIn, CancellationToken ct) =>
        {
            await signIn.SignOutAsync(http, ct);
            return TypedResults.LocalRedirect($"{SignInPath}?signedOut=1");
        });
        return app;
    }
}
