using AuthApp.Api.Tokens.Keys;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Tokens;

/// <summary>
/// Tokens: issuing and reading JWTs, the signing keys (HS256 secret or ES256 key ring with JWKS),
/// sessions and their revocation (PostgreSQL, then the Redis blacklist), and the bearer authentication.
/// </summary>
public static class TokensFeature
{
    public static IServiceCollection AddTokens(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section)
            .PostConfigure(jwt => jwt.Issuer = JwtOptions.NormalizeIssuer(jwt.Issuer))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>();
        if (configuration.GetSection(JwtOptions.Section).Get<JwtOptions>()?.UsesKeyRing == true)
        {
            services.AddSingleton<PrivateKeyProtector>();
            services.AddSingleton<KeyRing>();
            services.AddSingleton<ITokenSigner>(sp => sp.GetRequiredService<KeyRing>());
            services.AddHostedService<KeyRingMaintenance>();
        }
        else
        {
            services.AddSingleton<ITokenSigner, SharedSecretSigner>();
        }
        services.AddSingleton<TokenService>();
        services.AddSingleton<RevocationStore>();
        services.AddSingleton<RedisEvictionPolicy>();
        services.AddHostedService<RedisEvictionWatch>();
        services.AddScoped<SessionRevoker>();
        services.AddScoped<SigningKeyService>();
        services.AddHostedService<ExpiredTokenCleanup>();
        services.AddHostedService<RevocationSync>();
        services.AddAccessTokenAuthentication();
        return services;
    }

    public static IEndpointRouteBuilder MapTokens(this IEndpointRouteBuilder app)
    {
        app.MapJwks();
        app.MapGroup(ApiRoutes.Version1).MapSigningKeyEndpoints();
        return app;
    }
}
