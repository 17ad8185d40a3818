using System.Text;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Tokens;

/// <summary>Token settings (section <c>Jwt</c>); the AppHost supplies <c>Jwt:SigningKey</c> from its secret parameter.</summary>
public sealed class JwtOptions
{
    public const string Section = "Jwt";
    public const int MinimumKeyBytes = 32; // HS256 needs a key of at least 256 bits (RFC 7518 §3.2)

    public string SigningKey { get; set; } = "";

    /// <summary>
    /// The tokens' <c>iss</c> and the discovery document's <c>issuer</c>: the URL other services reach AuthApp at, so
    /// that <c>AddJwtBearer(o => o.Authority = issuer)</c> finds <c>/.well-known/openid-configuration</c>. The AppHost
    /// sets it to the API's endpoint; a deployment behind its own domain sets it to that. Kept in the form
    /// <see cref="Uri.AbsoluteUri"/> gives (a bare host gets its trailing '/'), as OpenIddict publishes it.
    /// </summary>
    public string Issuer { get; set; } = "";
    public string Audience { get; set; } = "authapp-clients";
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The absolute end of a login session; rotation never extends it.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <c>HS256</c> (the API's default alone; the AppHost chooses ES256): one shared secret, <see cref="SigningKey"/>,
    /// which every validator must hold — for living beside the original service's simplejwt consumers. <c>ES256</c>:
    /// key pairs kept in PostgreSQL, a <c>kid</c> in every token, public keys at /.well-known/jwks.json, rotation; the
    /// secret then encrypts the private keys at rest.
    /// </summary>
    public string SigningAlgorithm { get; set; } = HS256;

    /// <summary>ES256: a new key is made when the current one is this old (also on demand by staff).</summary>
    public TimeSpan KeyRotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// ES256: how long a scheduled key is in the JWKS before it signs. Validators re-read a key set on their own schedule
    /// (ASP.NET Core's JwtBearer every 12 hours, PyJWKClient when its cache lapses); with the new key published well
    /// before, none of them meets a kid it does not hold. Shorter than <see cref="KeyRotationInterval"/>.
    /// </summary>
    public TimeSpan KeyPublicationLead { get; set; } = TimeSpan.FromDays(2);

    /// <summary>ES256: how often each instance re-reads the keys, so a rotation made elsewhere reaches it.</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often ended sessions and expired refresh tokens are deleted.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often each instance re-reads PostgreSQL's highest revocation number (and repairs Redis if it is
    /// behind): the longest another instance may trust a Redis that lost a revocation write.
    /// </summary>
    public TimeSpan RevocationSyncInterval { get; set; } = TimeSpan.FromSeconds(1);

    public const string HS256 = "HS256";
    public const string ES256 = "ES256";
    public bool UsesKeyRing => string.Equals(SigningAlgorithm, ES256, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// 0 (default) is strict: any second use of a refresh token revokes its session. A few seconds let a
    /// client's near-simultaneous duplicate (a retried request) of the token its session's last refresh spent
    /// get 401 without ending the session.
    /// </summary>
    public TimeSpan RefreshReuseGraceWindow { get; set; } = TimeSpan.Zero;

    public byte[] SigningKeyBytes => Encoding.UTF8.GetBytes(SigningKey);

    public static bool IsIssuerUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" &&
        string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment);

    /// <summary>The issuer as OpenIddict writes it in discovery (<see cref="Uri.AbsoluteUri"/>), so that it equals <c>iss</c>.</summary>
    public static string NormalizeIssuer(string value) => IsIssuerUrl(value) ? new Uri(value).AbsoluteUri : value;
}

/// <summary>Stops the API at start-up, with a message that says what to set, when the token settings cannot be safe.</summary>
public sealed class JwtOptionsValidator : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.SigningKey))
        {
            failures.Add("Jwt:SigningKey is not set. Run through the AppHost (it supplies the jwt-signing-key parameter) or set Jwt__SigningKey to a random secret of at least 32 bytes.");
        }
        else if (options.SigningKeyBytes.Length < JwtOptions.MinimumKeyBytes)
        {
            failures.Add($"Jwt:SigningKey is {options.SigningKeyBytes.Length} bytes; HS256 needs at least {JwtOptions.MinimumKeyBytes} bytes (256 bits).");
        }
        if (!JwtOptions.IsIssuerUrl(options.Issuer))
        {
            failures.Add($"Jwt:Issuer must be the absolute http(s) URL services reach AuthApp at (the AppHost sets it), not '{options.Issuer}'. " +
                "Set Jwt__Issuer, for example to https://auth.example.com/.");
        }
        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("Jwt:Audience must not be empty.");
        }
        if (options.AccessTokenLifetime <= TimeSpan.Zero || options.RefreshTokenLifetime <= TimeSpan.Zero || options.SessionLifetime <= TimeSpan.Zero)
        {
            failures.Add("Jwt token and session lifetimes must be positive.");
        }
        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add("Jwt:ClockSkew must be between 0 and 5 minutes.");
        }
        if (!string.Equals(options.SigningAlgorithm, JwtOptions.HS256, StringComparison.OrdinalIgnoreCase) && !options.UsesKeyRing)
        {
            failures.Add($"Jwt:SigningAlgorithm must be HS256 or ES256, not '{options.SigningAlgorithm}'.");
        }
        if (options.UsesKeyRing && (options.KeyRotationInterval < TimeSpan.FromMinutes(1) || options.KeyRefreshInterval < TimeSpan.FromSeconds(1)))
        {
            failures.Add("Jwt:KeyRotationInterval must be at least a minute and Jwt:KeyRefreshInterval at least a second.");
        }
        if (options.UsesKeyRing && (options.KeyPublicationLead < TimeSpan.Zero || options.KeyPublicationLead >= options.KeyRotationInterval))
        {
            failures.Add("Jwt:KeyPublicationLead must be zero or more and shorter than Jwt:KeyRotationInterval.");
        }
        if (options.RevocationSyncInterval < TimeSpan.FromMilliseconds(100) || options.RevocationSyncInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add("Jwt:RevocationSyncInterval must be between 100 ms and 1 minute.");
        }
        if (options.CleanupInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add("Jwt:CleanupInterval must be at least a second.");
        }
        if (options.RefreshReuseGraceWindow < TimeSpan.Zero || options.RefreshReuseGraceWindow > TimeSpan.FromMinutes(1))
        {
            failures.Add("Jwt:RefreshReuseGraceWindow must be between 0 and 60 seconds.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
