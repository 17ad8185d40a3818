using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthApp.Api.Tokens;

/// <summary>
/// The JwtBearer handler with AuthApp's rules: the shared validation parameters of <see cref="TokenService"/>,
/// then the token type and the revocation check, and problem details for every 401 and 403.
/// </summary>
public static class AccessTokenAuthentication
{
    public static IServiceCollection AddAccessTokenAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenService, RevocationStore, TimeProvider>((bearer, tokens, revocations, time) =>
            {
                bearer.MapInboundClaims = false;
                // Nothing reads the token back from the authentication properties; storing it cost a dictionary and
                // a formatted date per request.
                bearer.SaveToken = false;
                bearer.TokenHandlers.Clear();
                bearer.TokenHandlers.Add(new RememberingTokenHandler(tokens, time)
                {
                    MapInboundClaims = false,
                    MaximumTokenSizeInBytes = TokenService.MaximumTokenBytes,
                });
                bearer.TokenValidationParameters = tokens.ValidationParameters;
                bearer.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context => CheckAccessTokenAsync(context, tokens, revocations),
                    OnChallenge = WriteChallengeAsync,
                    OnForbidden = context => WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden,
                        ErrorCodes.Forbidden, "Forbidden", "This route is for staff accounts."),
                };
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(TokenClaims.StaffPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(TokenClaims.Role, TokenClaims.StaffRole));
        return services;
    }

    /// <summary>After the signature: the token must be an access token, not from the future, and not revoked.</summary>
    private static async Task CheckAccessTokenAsync(TokenValidatedContext context, TokenService tokens, RevocationStore revocations)
    {
        var identity = context.Principal?.Identities.FirstOrDefault();
        var ids = identity is null ? null : tokens.TryReadIdentifiers(identity, TokenClaims.AccessType);
        if (ids is null)
        {
            context.HttpContext.Items[FailureCode] = ErrorCodes.TokenInvalid;
            context.Fail("Not an access token.");
            return;
        }
        var prefetch = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<PrefetchRedisEntryMetadata>();
        var check = await revocations.CheckAccessTokenAsync(ids.Jti, ids.SessionId, prefetch?.KeyOf(ids), context.HttpContext.RequestAborted);
        if (check.Revoked)
        {
            context.HttpContext.Items[FailureCode] = ErrorCodes.TokenRevoked;
            context.Fail("The token has been revoked.");
            return;
        }
        if (check.Companion is { } entry)
        {
            context.HttpContext.Features.Set(new PrefetchedRedisEntry(entry));
        }
        var expiresAt = context.SecurityToken is JsonWebToken jwt ? new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) : DateTimeOffset.MinValue;
        context.HttpContext.Items[ValidatedAccessToken] = new AccessToken(ids, expiresAt);
    }

    private const string FailureCode = "authapp.auth.failure";
    private const string ValidatedAccessToken = "authapp.auth.token";

    /// <summary>The validated access token of this request (routes that require authorization).</summary>
    public static AccessToken GetAccessToken(this HttpContext context) =>
        context.Items[ValidatedAccessToken] as AccessToken
        ?? throw new InvalidOperationException("The route requires authorization but no access token was validated.");

    private static Task WriteChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var (code, detail) = (context.HttpContext.Items[FailureCode] as string) switch
        {
            ErrorCodes.TokenRevoked => (ErrorCodes.TokenRevoked, "The access token has been revoked."),
            ErrorCodes.TokenInvalid => (ErrorCodes.TokenInvalid, "The access token is not valid."),
            _ when context.AuthenticateFailure is SecurityTokenExpiredException => (ErrorCodes.TokenExpired, "The access token has expired."),
            _ when context.AuthenticateFailure is not null => (ErrorCodes.TokenInvalid, "The access token is not valid."),
            _ => (ErrorCodes.NotAuthenticated, "Send an access token: Authorization: Bearer <token>."),
        };
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, code, "Unauthorized", detail);
    }

    /// <summary>
    /// Problem JSON when the client accepts it; a client that accepts only XML, HTML or images gets the
    /// status with an empty body (the problem writer refuses such an Accept, which must not become a 500).
    /// </summary>
    private static async Task WriteProblemAsync(HttpContext httpContext, int status, string code, string title, string detail)
    {
        httpContext.Response.StatusCode = status;
        var problems = httpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail, Extensions = { ["code"] = code } },
        });
    }
}
