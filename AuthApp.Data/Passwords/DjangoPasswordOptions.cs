using Microsoft.Extensions.Options;

namespace AuthApp.Data.Passwords;

/// <summary>
/// The original Django service's pepper (section <c>Passwords:Django</c>): its <c>PASSWORD_PEPPER</c> was appended to
/// every password before Django hashed it, so imported hashes verify only with the same value appended. A secret:
/// never logged (only whether it is set). Empty by default: plain Django hashes.
/// </summary>
public sealed class DjangoPasswordOptions
{
    public const string Section = "Passwords:Django";

    public string Pepper { get; set; } = "";

    public bool IsPepperConfigured => Pepper.Length > 0;
}

/// <summary>Stops start-up on a pepper that cannot be what the original used; the message never shows the value.</summary>
public sealed class DjangoPasswordOptionsValidator : IValidateOptions<DjangoPasswordOptions>
{
    public const int MaximumPepperLength = 4096;

    public ValidateOptionsResult Validate(string? name, DjangoPasswordOptions options)
    {
        var pepper = options.Pepper ?? "";
        if (pepper.Length > MaximumPepperLength)
        {
            return ValidateOptionsResult.Fail($"Passwords:Django:Pepper is longer than {MaximumPepperLength} characters.");
        }
        // An environment variable cannot have held one; a pasted newline is the usual mistake, and would fail every login.
        if (pepper.Any(char.IsControl))
        {
            return ValidateOptionsResult.Fail("Passwords:Django:Pepper contains a control character (a pasted newline?); set it to the original's PASSWORD_PEPPER exactly.");
        }
        return ValidateOptionsResult.Success;
    }
}
