using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AuthApp.Admin.Sessions;

/// <summary>
/// Staff sign in through AuthApp with ASP.NET Core's OpenID Connect handler: authorization code with PKCE, the console a
/// confidential client (declared in the AppHost), tokens kept server-side in the console session (none in the cookie),
/// refreshed at AuthApp's token endpoint (<see cref="SessionTokens"/>), and sign-out through AuthApp's end-session.
/// </summary>
public static class AuthAppSignIn
{
    public const string Scheme = "AuthApp";

    /// <summary>GET: sends the browser to AuthApp's sign-in (after checking that AuthApp answers).</summary>
    public const string StartPath = "/signin/authapp";

    private const string IdTokenHintKey = "authapp:id_token_hint";
    private const string RetriedKey = "authapp:retried";

    public static AuthenticationBuilder AddAuthAppSignIn(this AuthenticationBuilder authentication, IConfiguration configuration,
        IHostEnvironment environment)
    {
        if (configuration.GetSection(ConsoleSignInOptions.Section).Get<ConsoleSignInOptions>()?.ThroughAuthApp == false)
        {
            return authentication;
        }
        authentication.AddOpenIdConnect(Scheme, oidc =>
        {
            oidc.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            oidc.ResponseType = OpenIdConnectResponseType.Code;
            oidc.UsePkce = true;
            oidc.Scope.Add(OpenIdConnectScope.OfflineAccess);
            // The tokens live in the console session on the server; the cookie names that session only.
            oidc.SaveTokens = false;
            oidc.MapInboundClaims = false;
            oidc.GetClaimsFromUserInfoEndpoint = false;
            // The AppHost runs AuthApp over plain HTTP on this machine; anywhere else its metadata must come over HTTPS.
            oidc.RequireHttpsMetadata = !environment.IsDevelopment();
            oidc.Events.OnTokenValidated = context =>
                context.HttpContext.RequestServices.GetRequiredService<ConsoleSignIn>().CompleteAuthAppSignInAsync(context);
            oidc.Events.OnRedirectToIdentityProviderForSignOut = context =>
            {
                context.ProtocolMessage.IdTokenHint = context.HttpContext.Items[IdTokenHintKey] as string;
                return Task.CompletedTask;
            };
            oidc.Events.OnRemoteFailure = context =>
            {
                context.HandleResponse();
                // An ID token signed with a key the console has not read yet (staff just rotated): the handler has asked for
                // AuthApp's keys again, so the sign-in starts once more — silently, AuthApp's session is there.
                if (context.Failure is SecurityTokenSignatureKeyNotFoundException && context.Properties?.Items.ContainsKey(RetriedKey) != true)
                {
                    var back = Uri.EscapeDataString(context.Properties?.RedirectUri ?? "/users");
                    context.Response.Redirect($"{StartPath}?returnUrl={back}&retry=true");
                    return Task.CompletedTask;
                }
                // A refused or failed sign-in at AuthApp (access_denied, an expired correlation, a code AuthApp refused).
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthAppSignIn))
                    .LogInformation("Sign-in through AuthApp failed: {Reason}", context.Failure?.Message);
                context.Response.Redirect($"{ConsoleSessionsSetup.SignInPath}?{ConsoleSignInPaths.Failed}=1");
                return Task.CompletedTask;
            };
        });
        authentication.Services.AddOptions<OpenIdConnectOptions>(Scheme).Configure<IOptions<ConsoleSignInOptions>, IOptions<ConsoleSessionOptions>>(
            (oidc, signIn, sessions) =>
            {
                oidc.Authority = signIn.Value.Authority;
                oidc.ClientId = signIn.Value.ClientId;
                oidc.ClientSecret = signIn.Value.ClientSecret;
                // A console session that ended (idle, too old, revoked) is not renewed silently from an older AuthApp sign-in:
                // AuthApp asks for the password again when its sign-in is older than the console's idle limit.
                oidc.MaxAge = sessions.Value.IdleTimeout;
                oidc.RefreshInterval = signIn.Value.MetadataRefreshInterval;
            });
        return authentication;
    }

    /// <summary>
    /// GET /signin/authapp?returnUrl=…[&amp;prompt=login]: to AuthApp's sign-in, coming back to <c>returnUrl</c> (a path on
    /// the console only). When AuthApp does not answer, the sign-in page says so instead of a browser error.
    /// </summary>
    public static IEndpointRouteBuilder MapAuthAppSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(StartPath, async (string? returnUrl, string? prompt, bool? retry, HttpContext http, IOptionsMonitor<OpenIdConnectOptions> oidc,
            ILogger<ConsoleSignIn> logger) =>
        {
            try
            {
                var configuration = await oidc.Get(Scheme).ConfigurationManager!.GetConfigurationAsync(http.RequestAborted);
                if (string.IsNullOrEmpty(configuration.AuthorizationEndpoint))
                {
                    logger.LogError("AuthApp serves no sign-in (it signs with a shared HS256 secret); set Console:SignIn:Mode=Password");
                    return Results.LocalRedirect($"{ConsoleSessionsSetup.SignInPath}?{ConsoleSignInPaths.Unavailable}=1");
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or HttpRequestException)
            {
                logger.LogWarning("AuthApp's discovery document could not be read: {Reason}", ex.Message);
                return Results.LocalRedirect($"{ConsoleSessionsSetup.SignInPath}?{ConsoleSignInPaths.Unavailable}=1");
            }
            var properties = new AuthenticationProperties { RedirectUri = LocalPathOrHome(returnUrl) };
            if (retry == true)
            {
                properties.Items[RetriedKey] = "true"; // once: a second failure is shown, not retried forever
            }
            if (prompt == OpenIdConnectPrompt.Login)
            {
                properties.SetParameter(OpenIdConnectParameterNames.Prompt, OpenIdConnectPrompt.Login);
            }
            return Results.Challenge(properties, [Scheme]);
        }).AllowAnonymous();
        return app;
    }

    /// <summary>Ends the browser's AuthApp session with the console's ID token as hint, then back to <paramref name="then"/>.</summary>
    public static IResult SignOut(HttpContext http, string idToken, string then)
    {
        http.Items[IdTokenHintKey] = idToken;
        return Results.SignOut(new AuthenticationProperties { RedirectUri = then }, [Scheme]);
    }

    /// <summary>Only a path on this console: an absolute or protocol-relative URL would send a freshly signed-in user elsewhere.</summary>
    public static string LocalPathOrHome(string? url) =>
        url is { Length: > 1 } && url[0] == '/' && url[1] != '/' && url[1] != '\\' ? url : "/users";
}
