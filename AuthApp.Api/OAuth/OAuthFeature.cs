using AuthApp.Api.Tokens;
using AuthApp.Data.OAuth;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using AuthApp.Api.SignIn;

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
        var signIn = SignInFeature.IsServed(configuration);
        services.AddOAuthClientStore();
        services.AddOpenIddict().AddServer(server =>
        {
            server.SetTokenEndpointUris(TokenPath)
                .SetIntrospectionEndpointUris(IntrospectionPath)
                .SetRevocationEndpointUris(RevocationPath)
                .SetConfigurationEndpointUris(DiscoveryPath);
            server.AllowClientCredentialsFlow();
            if (signIn)
            {
                AddPeopleSignIn(server);
            }
            // Tokens, their revocation and their keys are AuthApp's: OpenIddict stores none and signs none.
            server.DisableTokenStorage().DisableAuthorizationStorage().DisableAccessTokenEncryption();
            // Scopes are allowed per client (its permissions), not from a registry of scopes.
            server.DisableScopeValidation();
            // OpenIddict requires an asymmetric signing key; it signs nothing AuthApp hands out (its authorization codes
            // use the derived keys below).
            server.AddEphemeralSigningKey(SecurityAlgorithms.EcdsaSha256);
            server.AddEventHandler(ClientCredentialsGrant.Descriptor)
                .AddEventHandler(WriteAccessToken.Descriptor)
                .AddEventHandler(ReadAuthAppToken.Descriptor)
                .AddEventHandler(RevokeAuthAppToken.Descriptor)
                .AddEventHandler(DescribeAuthAppKeys.Descriptor)
                .AddEventHandler(DisabledClientGate.IntrospectionDescriptor)
                .AddEventHandler(DisabledClientGate.RevocationDescriptor)
                .RemoveEventHandler(OpenIddictServerHandlers.Revocation.RevokeToken.Descriptor);
            var aspNetCore = server.UseAspNetCore();
            if (signIn)
            {
                aspNetCore.EnableAuthorizationEndpointPassthrough().EnableUserInfoEndpointPassthrough().EnableEndSessionEndpointPassthrough();
            }
            // The AppHost serves the API over plain HTTP on localhost; elsewhere TLS ends at the proxy (X-Forwarded-Proto).
            if (!configuration.GetValue(RequireHttpsSetting, !environment.IsDevelopment()))
            {
                aspNetCore.DisableTransportSecurityRequirement();
            }
        });
        services.AddOptions<OpenIddictServerOptions>().Configure<IOptions<JwtOptions>, TimeProvider>((server, jwt, time) =>
        {
            server.Issuer = new Uri(jwt.Value.Issuer);
            // OpenIddict's own tokens — authorization codes — are signed and encrypted with keys every replica derives from
            // the deployment's secret, so a code issued by one replica is redeemed at another, and after a restart.
            server.SigningCredentials.Insert(0, new SigningCredentials(DerivedKey(jwt.Value, "signing"), SecurityAlgorithms.HmacSha256));
            server.EncryptionCredentials.Add(new EncryptingCredentials(DerivedKey(jwt.Value, "encryption"),
                SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
            // PKCE with S256 only: "plain" would hand the verifier to whoever sees the authorize request.
            server.CodeChallengeMethods.Remove(OpenIddictConstants.CodeChallengeMethods.Plain);
            server.AccessTokenLifetime = jwt.Value.AccessTokenLifetime;
            server.TimeProvider = time;
        });
        services.AddOpenIddictRequestGate();
        services.AddScoped<TokenStatus>();
        services.AddScoped<ClientAuthenticator>();
        services.AddScoped<RevocationFeed>();
        services.AddScoped<ClientAdminService>();
        return services;
    }

    /// <summary>
    /// Authorization code with PKCE, refresh, userinfo and end-session for people signing in to apps: OpenIddict checks
    /// the protocol; AuthApp's handlers open the app's session once per code and rotate its refresh tokens.
    /// </summary>
    private static void AddPeopleSignIn(OpenIddictServerBuilder server)
    {
        server.SetAuthorizationEndpointUris(SignIn.OidcEndpoints.AuthorizePath[1..])
            .SetUserInfoEndpointUris(SignIn.OidcEndpoints.UserInfoPath[1..])
            .SetEndSessionEndpointUris(SignIn.OidcEndpoints.EndSessionPath[1..]);
        server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().RequireProofKeyForCodeExchange();
        server.RegisterScopes(OpenIddictConstants.Scopes.OpenId, OpenIddictConstants.Scopes.Profile,
            OpenIddictConstants.Scopes.Email, OpenIddictConstants.Scopes.OfflineAccess);
        server.AddEventHandler(AuthorizationCodeGrant.Descriptor)
            .AddEventHandler(RefreshTokenGrant.Descriptor)
            .AddEventHandler(ReturnRotatedRefreshToken.Descriptor)
            .AddEventHandler(WriteRefreshToken.Descriptor)
            .AddEventHandler(WriteIdToken.Descriptor);
    }

    private static SymmetricSecurityKey DerivedKey(JwtOptions jwt, string use) =>
        new(SealedBox.DeriveKey(jwt.SigningKeyBytes, $"authapp openiddict {use} v1"));

    public static IEndpointRouteBuilder MapOAuth(this IEndpointRouteBuilder app)
    {
        app.MapRevocationFeed();
        app.MapGroup(ApiRoutes.Version1).MapClientAdminEndpoints();
        return app;
    }
}
