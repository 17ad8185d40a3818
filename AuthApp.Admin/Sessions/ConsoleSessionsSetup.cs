using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AuthApp.Admin.Sessions;

/// <summary>The notices the sign-in page shows, named by the query parameter that asks for each.</summary>
public static class ConsoleSignInPaths
{
    public const string Ended = "ended";
    public const string SignedOut = "signedOut";
    public const string Refused = "refused";
    public const string Unavailable = "unavailable";
    public const string Failed = "failed";
}

public static class ConsoleSessionsSetup
{
    public const string SignInPath = "/signin";
    public const string SignOutPath = "/signout";

    /// <summary>
    /// Cookie authentication whose ticket names a server-side session; the cookie is HttpOnly, SameSite=Lax (it must come
    /// with the navigation back from AuthApp's sign-in; Strict would drop it there), Secure outside Development (and then
    /// <c>__Host-</c> prefixed). A request whose session has ended is signed out. Staff sign in through AuthApp
    /// (<see cref="AuthAppSignIn"/>) unless <c>Console:SignIn:Mode</c> is Password.
    /// </summary>
    public static IServiceCollection AddConsoleSessions(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<ConsoleSessionOptions>().BindConfiguration(ConsoleSessionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ConsoleSignInOptions>().BindConfiguration(ConsoleSignInOptions.Section)
            .PostConfigure(options => ConsoleSignInOptions.Defaults(options, configuration))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ConsoleSessionStore>();
        services.AddSingleton<FormNonces>();
        services.AddTransient<SessionTokens>();
        services.AddTransient<AccessTokenHandler>();
        services.AddScoped<ConsoleSignIn>();
        services.AddHostedService<ExpiredSessionSweeper>();

        var development = environment.IsDevelopment();
        var authentication = services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = development ? "authapp-console" : "__Host-authapp-console";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            cookie.Cookie.Path = "/";
            cookie.LogoutPath = SignOutPath;
            cookie.AccessDeniedPath = SignInPath;
            cookie.ReturnUrlParameter = "returnUrl";
            // The idle limit is the server session's (kept alive by pages and API calls alike); the cookie carries the absolute one.
            cookie.SlidingExpiration = false;
            cookie.Events.OnValidatePrincipal = ValidateAsync;
        });
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<ConsoleSessionOptions>, IOptions<ConsoleSignInOptions>>((cookie, sessions, signIn) =>
            {
                cookie.ExpireTimeSpan = sessions.Value.AbsoluteLifetime;
                // Through AuthApp, a page that needs a staff member goes straight to AuthApp's sign-in.
                cookie.LoginPath = signIn.Value.ThroughAuthApp ? AuthAppSignIn.StartPath : SignInPath;
            });
        authentication.AddAuthAppSignIn(configuration, environment);
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

    /// <summary>
    /// POST /signout: a form with an antiforgery token (a bare cross-site post is refused). The console session ends; one
    /// opened through AuthApp then ends there too (its end-session endpoint, with the ID token as hint), which signs the
    /// browser out of AuthApp and every app it signed in to. Then back to the sign-in page.
    /// </summary>
    public static IEndpointRouteBuilder MapConsoleSignOut(this IEndpointRouteBuilder app)
    {
        // Binding a form field is what makes minimal APIs check the antiforgery token (a post without one gets 400).
        app.MapPost(SignOutPath, async ([FromForm] string? reason, HttpContext http, ConsoleSignIn signIn, CancellationToken ct) =>
        {
            var signedOut = $"{SignInPath}?{ConsoleSignInPaths.SignedOut}=1";
            if (await signIn.SignOutAsync(http, ct) is not { } idToken)
            {
                return Results.LocalRedirect(signedOut);
            }
            return AuthAppSignIn.SignOut(http, idToken, signedOut);
        });
        app.MapAuthAppSignIn();
        return app;
    }
}
