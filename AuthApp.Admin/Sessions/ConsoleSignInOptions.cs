using System.ComponentModel.DataAnnotations;

namespace AuthApp.Admin.Sessions;

/// <summary>How staff sign in to the console (section <c>Console:SignIn</c>).</summary>
public sealed class ConsoleSignInOptions : IValidatableObject
{
    public const string Section = "Console:SignIn";

    /// <summary>
    /// <see cref="ConsoleSignInMode.AuthApp"/> (the default): through AuthApp's sign-in pages with OpenID Connect, so the
    /// console never sees a password. <see cref="ConsoleSignInMode.Password"/>: the console's own form posts to the JSON
    /// login — only for an AuthApp that signs with a shared HS256 secret, which cannot sign ID tokens for apps (the
    /// AppHost chooses it then).
    /// </summary>
    public ConsoleSignInMode Mode { get; set; } = ConsoleSignInMode.AuthApp;

    /// <summary>AuthApp's public address, where browsers are sent to sign in (by default the <c>api</c> resource's URL).</summary>
    public string? Authority { get; set; }

    /// <summary>The console's client id and secret at AuthApp (<c>AuthApp:ClientId</c>/<c>ClientSecret</c>, from the AppHost).</summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>
    /// An ID token signed with a key the console has not read yet (after staff "rotate now") makes it re-read AuthApp's
    /// keys, at most this often (ASP.NET Core's default is 5 minutes; a scheduled rotation publishes keys well ahead).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Console:SignIn:MetadataRefreshInterval must be between 1 second and 1 hour.")]
    public TimeSpan MetadataRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    public bool ThroughAuthApp => Mode == ConsoleSignInMode.AuthApp;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!ThroughAuthApp)
        {
            yield break;
        }
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out _))
        {
            yield return new ValidationResult("Console:SignIn:Authority must be AuthApp's absolute URL (or reference the api resource).");
        }
        if (string.IsNullOrWhiteSpace(ClientId) || string.IsNullOrWhiteSpace(ClientSecret))
        {
            yield return new ValidationResult(
                "AuthApp:ClientId and AuthApp:ClientSecret must be set (the AppHost's .WithAuthApp(api, c => c.SignsPeopleIn())).");
        }
    }

    /// <summary>Fills what is not set from the AppHost's conventions: the client declaration and the api reference.</summary>
    public static void Defaults(ConsoleSignInOptions options, IConfiguration configuration)
    {
        options.Authority ??= configuration["services:api:https:0"] ?? configuration["services:api:http:0"];
        options.ClientId ??= configuration["AuthApp:ClientId"];
        options.ClientSecret ??= configuration["AuthApp:ClientSecret"];
    }
}

public enum ConsoleSignInMode
{
    AuthApp,
    Password,
}
