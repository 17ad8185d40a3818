using AuthApp.Api.Auth;
using AuthApp.Api.Throttling;
using AuthApp.Api.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuthApp.Api.Factors;

/// <summary>
/// Second factors: an authenticator app (TOTP) with ten recovery codes, managed by the account's owner under
/// <c>/api/v1/user/factors</c>, and the second half of a login that needs one (<c>POST /api/v1/user/login/second-factor</c>).
/// </summary>
public static class FactorsFeature
{
    public static IServiceCollection AddFactors(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PasskeyOptions>().Bind(configuration.GetSection(PasskeyOptions.Section)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<PasskeyOptions>, PasskeyOptionsValidator>();
        return services.AddFactorServices();
    }

    private static IServiceCollection AddFactorServices(this IServiceCollection services) => services
        .AddSingleton<FactorKeys>()
        .AddScoped<Passkeys>()
        .AddScoped<RecoveryCodes>()
        .AddScoped<RecoveryCodeNotices>()
        .AddScoped<AuthenticatorApps>()
        .AddScoped<LoginChallenges>()
        .AddScoped<StepUp>();

    public static IEndpointRouteBuilder MapFactors(this IEndpointRouteBuilder app)
    {
        var user = app.MapGroup(ApiRoutes.Version1).MapGroup("/user");
        user.MapPost("/login/second-factor", SecondFactorAsync)
            .WithTags("Authentication")
            .WithName("LoginSecondFactor")
            .WithSummary("Finish a login that answered 401 second_factor_required: its challenge and a code (or a recovery code).")
            .RequireAddressThrottle(AddressThrottleFilter.Login, o => o.LoginPerAddress);

        PasskeyEndpoints.MapPasskeys(user);

        var factors = user.MapGroup("/factors").WithTags("Second factors").RequireAccessToken();
        factors.MapGet("", ListAsync).WithName("ListMyFactors").WithSummary("The caller's second factors.");
        factors.MapPost("/totp", BeginAsync).WithName("EnrolTotp")
            .WithSummary("Start enrolling an authenticator app: its secret, otpauth:// URI and QR code. It counts once confirmed.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        factors.MapPost("/totp/confirm", ConfirmAsync).WithName("ConfirmTotp")
            .WithSummary("Confirm the app with its first code; answers the ten recovery codes, shown this once.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        factors.MapPost("/totp/disable", DisableAsync).WithName("DisableTotp")
            .WithSummary("Remove the authenticator app (and the recovery codes) with a fresh code or a recovery code.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        factors.MapPost("/recovery-codes", RegenerateAsync).WithName("RegenerateRecoveryCodes")
            .WithSummary("Ten new recovery codes (the old ones stop working), with a fresh code from the authenticator app.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<LoginResponse>, ValidationProblem, ProblemHttpResult>> SecondFactorAsync(
        SecondFactorRequest request, LoginHandler login, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await login.LoginWithSecondFactorAsync(request, time.GetUtcNow(), ct)).ToResult(http, TypedResults.Ok);

    private static async Task<Ok<FactorsResponse>> ListAsync(AuthenticatorApps apps, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await apps.DescribeAsync(http.GetAccessToken().Ids.UserId, ct));

    /// <summary>
    /// An app is a way in: for an account that already has a passkey, setting one up takes that passkey (step-up), or a
    /// stolen token could add an app and use its codes for every later step-up. (A confirmed app refuses a second one.)
    /// </summary>
    private static async Task<Results<Ok<TotpEnrolment>, ProblemHttpResult>> BeginAsync(FactorChangeProof? proof, AuthenticatorApps apps,
        StepUp stepUp, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var userId = http.GetAccessToken().Ids.UserId;
        var now = time.GetUtcNow();
        if (!await apps.IsEnrolledAsync(userId, ct) && await stepUp.CheckAsync(userId, proof, now, ct) is { } notProven)
        {
            return notProven.ToProblem(http);
        }
        return (await apps.BeginAsync(userId, now, ct)).ToCodeResult(http, TypedResults.Ok);
    }

    private static async Task<Results<Ok<RecoveryCodesResponse>, ProblemHttpResult>> ConfirmAsync(FactorCodeRequest request,
        AuthenticatorApps apps, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await apps.ConfirmAsync(http.GetAccessToken().Ids.UserId, request.Code, time.GetUtcNow(), ct)).ToCodeResult(http, TypedResults.Ok);

    private static async Task<Results<Ok<RecoveryCodesResponse>, ProblemHttpResult>> RegenerateAsync(FactorCodeRequest request,
        AuthenticatorApps apps, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await apps.RegenerateRecoveryCodesAsync(http.GetAccessToken().Ids.UserId, request.Code, time.GetUtcNow(), ct))
            .ToCodeResult(http, TypedResults.Ok);

    private static async Task<Results<NoContent, ProblemHttpResult>> DisableAsync(FactorCodeRequest request, AuthenticatorApps apps,
        TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await apps.DisableAsync(http.GetAccessToken().Ids.UserId, request, time.GetUtcNow(), ct))
            .ToCodeResult(http, _ => TypedResults.NoContent());
}
