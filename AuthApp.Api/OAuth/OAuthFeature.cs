using AuthApp.Api.Tokens;
using AuthApp.Data.OAuth;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace AuthApp.Api.OAuth;

/// <summary>
/// OAuth 2.0 for the other services of the app, on OpenIddict: discovery, the client-credentials grant,
/// introspection (RFC 7662) and revocation (RFC 7009) at <c>/connect/…</c>, the revocation feed that services
/// poll to see logouts, and the staff routes that manage clients. OpenIddict parses and validates every request,
/// authenticates clients and checks their permissions; the tokens themselves are AuthApp's (see
/// <see cref="WriteAccessToken"/>), so there is one issuer, one key ring and one revocation.
/// </summary>
public static class OAuthFeature
{
    public const string AuthenticationType = "AuthApp.OAuth";
    public const string TokenPath = "connect/token";
    public const string IntrospectionPath = "connect/introspect";
    public const string RevocationPath = "connect/revoke";
    public const string DiscoveryPath = ".well-known/openid-configuration";

    /// <summary>
    /// <c>OAuth:RequireHttps</c> (true outside Development): OpenIddict answers its endpoints only over HTTPS, as seen
    /// after the trusted proxy (X-Forwarded-Proto). Set it false only where services reach the API over a private
    /// plain-HTTP network and nothing else can.
    /// </summary>
    public const string RequireHttpsSetting = "OAuth:RequireHttps";

    public static IServiceCollection AddOAuth(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOAuthClientStore();
        services.AddOpenIddict().AddServer(server =>
        {
            server.SetTokenEndpointUris(TokenPath)
                .SetIntrospectionEndpointUris(IntrospectionPath)
                .SetRevocationEndpointUris(RevocationPath)
                .SetConfigurationEndpointUris(DiscoveryPath);
            server.AllowClientCredentialsFlow();
            // Tokens, their revocation and their keys are AuthApp's: OpenIddict stores none and signs none.
            server.DisableTokenStorage().DisableAuthorizationStorage().DisableAccessTokenEncryption();
            // Scopes are allowed per client (its permissions), not from a registry of scopes.
            server.DisableScopeValidation();
            // Never used to sign or encrypt anything AuthApp hands out; OpenIddict requires a key of each kind.
            server.AddEphemeralSigningKey(SecurityAlgorithms.EcdsaSha256).AddEphemeralEncryptionKey();
            server.AddEventHandler(ClientCredentialsGrant.Descriptor)
                .AddEventHandler(WriteAccessToken.Descriptor)
                .AddEventHandler(ReadAuthAppToken.Descriptor)
                .AddEventHandler(RevokeAuthAppToken.Descriptor)
                .AddEventHandler(DescribeAuthAppKeys.Descriptor)
                .AddEventHandler(DisabledClientGate.IntrospectionDescriptor)
                .AddEventHandler(DisabledClientGate.RevocationDescriptor)
                .RemoveEventHandler(OpenIddictServerHandlers.Revocation.RevokeToken.Descriptor);
            var aspNetCore = server.UseAspNetCore();
            // The AppHost serves the API over plain HTTP on localhost; elsewhere TLS ends at the proxy (X-Forwarded-Proto).
            if (!configuration.GetValue(RequireHttpsSetting, !environment.IsDevelopment()))
            {
                aspNetCore.DisableTransportSecurityRequirement();
            }
        });
        services.AddOptions<OpenIddictServerOptions>().Configure<IOptions<JwtOptions>, TimeProvider>((server, jwt, time) =>
        {
            server.Issuer = new Uri(jwt.Value.Issuer);
            server.AccessTokenLifetime = jwt.Value.AccessTokenLifetime;
            server.TimeProvider = time;
        });
        services.AddScoped<TokenStatus>();
        services.AddScoped<ClientAuthenticator>();
        services.AddScoped<RevocationFeed>();
        services.AddScoped<ClientAdminService>();
        return services;
    }

    public static IEndpointRouteBuilder MapOAuth(this IEndpointRouteBuilder app)
    {
        app.MapRevocationFeed();
        app.MapGroup(ApiRoutes.Version1).MapClientAdminEndpoints();
        return app;
    }
}
