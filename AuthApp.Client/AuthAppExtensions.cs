using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthApp.Client;

public static class AuthAppExtensions
{
    /// <summary>
    /// Trust AuthApp, found as <paramref name="serviceName"/> by service discovery: JwtBearer (the default scheme) with
    /// issuer and keys from AuthApp's discovery document (re-read on an unknown <c>kid</c>), this service's audience and
    /// users' tokens accepted, and every token checked against AuthApp's revocation feed. Settings: section <c>AuthApp</c>.
    /// </summary>
    public static IHostApplicationBuilder AddAuthApp(this IHostApplicationBuilder builder, string serviceName,
        Action<AuthAppClientSettings>? configure = null)
    {
        var services = builder.Services;
        var settings = services.AddOptions<AuthAppClientSettings>().BindConfiguration(AuthAppClientSettings.Section);
        if (configure is not null)
        {
            settings.Configure(configure);
        }
        var configured = builder.Configuration.GetSection(AuthAppClientSettings.Section).Get<AuthAppClientSettings>() ?? new();
        configure?.Invoke(configured);
        var endpoint = new AuthAppEndpoint(configured.AuthorityUri(serviceName));

        // A token signed by a key this service has not fetched yet (staff rotated it just now) makes JwtBearer re-read the
        // key set and validate again within the same request; without the switch IdentityModel refreshes in the background
        // and refuses that first token.
        AppContext.SetSwitch("Switch.Microsoft.IdentityModel.UpdateConfigAsBlocking", true);
        services.AddServiceDiscovery();
        services.AddSingleton(endpoint);
        services.TryAddSingletonTimeProvider();
        services.AddHttpClient(RevocationWatcher.HttpClientName).AddServiceDiscovery();
        services.AddHttpClient(BackchannelName).AddServiceDiscovery();
        services.AddSingleton<RevocationWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<RevocationWatcher>());
        services.AddSingleton<ClientCredentialsTokens>();
        services.AddHttpClient(ClientCredentialsTokens.HttpClientName).AddServiceDiscovery();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IHttpClientFactory, IOptions<AuthAppClientSettings>, RevocationWatcher>((bearer, factory, options, watcher) =>
                ConfigureBearer(bearer, factory.CreateClient(BackchannelName), endpoint, options.Value, watcher));
        services.AddAuthorization();
        return builder;
    }

    /// <summary>Calls made through this HttpClient carry this service's own access token (client credentials), renewed before it expires.</summary>
    public static IHttpClientBuilder AddAuthAppClientCredentials(this IHttpClientBuilder client) =>
        client.AddHttpMessageHandler(sp => new ClientCredentialsHandler(sp.GetRequiredService<ClientCredentialsTokens>()));

    /// <summary>Requires a token whose <c>scope</c> includes <paramref name="scope"/> (a service's token, from client credentials).</summary>
    public static AuthorizationPolicyBuilder RequireScope(this AuthorizationPolicyBuilder policy, string scope) =>
        policy.RequireAuthenticatedUser().RequireAssertion(context =>
            context.User.FindFirst("scope")?.Value.Split(' ').Contains(scope, StringComparer.Ordinal) == true);

    private const string BackchannelName = "AuthApp.Discovery";
    internal const string RevocationUnknownItem = "authapp.revocation_unknown";

    private static void ConfigureBearer(JwtBearerOptions bearer, HttpClient backchannel, AuthAppEndpoint endpoint,
        AuthAppClientSettings settings, RevocationWatcher watcher)
    {
        bearer.Authority = endpoint.BaseUri.AbsoluteUri;
        bearer.Backchannel = backchannel;
        bearer.RequireHttpsMetadata = endpoint.RequireHttpsMetadata;
        bearer.MapInboundClaims = false;
        // A rotated key is fetched on its first token; at most this often, so made-up kids cannot flood AuthApp.
        bearer.RefreshInterval = settings.KeySetRefreshInterval;
        var audiences = new List<string>();
        if (settings.Audience is { Length: > 0 } own)
        {
            audiences.Add(own);
        }
        if (settings.AcceptUserTokens)
        {
            audiences.Add(settings.UserTokenAudience);
        }
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidAudiences = audiences,
            ValidateAudience = true,
            // Issuer and keys come from the discovery document; ES256 only (no "none", no HS256 with a public key).
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            // AuthApp's own skew: the revocation feed remembers an ended session until its last token expires plus 30 s,
            // so a longer skew (JwtBearer's default is 5 minutes) would let a revoked token pass again after that.
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = "sub",
            RoleClaimType = "role",
        };
        bearer.Events = new JwtBearerEvents
        {
            OnTokenValidated = context => CheckRevocation(context, watcher, settings),
            OnChallenge = context => AnswerRevocationUnknown(context),
        };
    }

    private static Task CheckRevocation(TokenValidatedContext context, RevocationWatcher watcher, AuthAppClientSettings settings)
    {
        if (!Guid.TryParse(context.Principal?.FindFirst("sid")?.Value, out var sid))
        {
            context.Fail("The token has no session (sid).");
        }
        else if (watcher.IsRevoked(sid))
        {
            context.Fail("The token has been revoked.");
        }
        else if (!watcher.IsCurrent && settings.WhenRevocationUnknown == RevocationUnknownPolicy.Refuse)
        {
            context.HttpContext.Items[RevocationUnknownItem] = true;
            context.Fail("AuthApp's revocation feed is out of date.");
        }
        return Task.CompletedTask;
    }

    /// <summary>Unknown revocation status is not the token's fault: 503 and a retry, not 401 and a new sign-in.</summary>
    private static Task AnswerRevocationUnknown(JwtBearerChallengeContext context)
    {
        if (!context.HttpContext.Items.ContainsKey(RevocationUnknownItem))
        {
            return Task.CompletedTask;
        }
        context.HandleResponse();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        return context.Response.WriteAsJsonAsync(new
        {
            type = "https://httpwg.org/specs/rfc9110.html#status.503",
            title = "Service unavailable",
            status = 503,
            detail = "AuthApp cannot be reached to confirm this token has not been revoked; retry shortly.",
            code = "revocation_status_unknown",
        }, options: null, contentType: "application/problem+json");
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
