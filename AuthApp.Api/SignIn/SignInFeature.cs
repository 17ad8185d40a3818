using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.SignIn;

/// <summary>
/// People sign in to the apps of the solution through AuthApp: its own pages (<c>/account/…</c>, Razor Pages) open the
/// browser's single sign-on session, and OpenID Connect's authorize, userinfo and end-session endpoints hand apps their
/// codes and tokens. Served only with the ES256 key ring: an app checks its ID token against published keys.
/// </summary>
public static class SignInFeature
{
    public static IServiceCollection AddSignIn(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var jwt = configuration.GetSection(JwtOptions.Section).Get<JwtOptions>() ?? new JwtOptions();
        // Every replica reads the same keys (the cookie and the forms' antiforgery tokens must open anywhere), sealed.
        services.AddDataProtection().SetApplicationName("AuthApp").PersistKeysToDbContext<AuthDbContext>();
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<JwtOptions>>((keys, options) =>
            keys.XmlEncryptor = new SealedKeyXmlEncryptor(SealedKeyXmlDecryptor.KeyOf(options.Value)));
        services.AddAuthentication().AddCookie(SignInCookie.Scheme, cookie => SignInCookie.Configure(cookie, environment, jwt.SessionLifetime));
        services.AddRazorPages(pages => pages.RootDirectory = "/SignIn/Pages");
        services.AddScoped<ConsentStore>();
        services.AddScoped<FreshSignIn>();
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "authapp.antiforgery";
            antiforgery.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        return services;
    }

    /// <summary>True when the deployment signs with the ES256 key ring, which sign-in needs (see <see cref="AddSignIn"/>).</summary>
    public static bool IsServed(IConfiguration configuration) =>
        configuration.GetSection(JwtOptions.Section).Get<JwtOptions>()?.UsesKeyRing == true;

    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder app)
    {
        app.MapOidcEndpoints();
        app.MapRazorPages();
        return app;
    }
}
