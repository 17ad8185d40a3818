using AuthApp.Data;
using System.Net.Mail;

namespace AuthApp.Api.Users;

/// <summary>Username and e-mail rules (SPEC §3), with DRF's wording where DRF had a message.</summary>
public static class UserRules
{
    public const int UsernameMinLength = 3;
    public const int UsernameMaxLength = 30;
    public const int EmailMaxLength = 254;

    public const string Required = "This field is required.";
    public const string Blank = "This field may not be blank.";
    public const string UsernameTaken = "A user with that username already exists.";
    public const string EmailTaken = "user with this email already exists.";

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "admin", "administrator", "root", "system", "support", "staff", "superuser", "moderator",
        "api", "auth", "login", "logout", "me", "user", "users", "null", "undefined", "anonymous", "authapp",
    };

    public static List<string> ValidateUsername(string? username)
    {
        if (username is null)
        {
            return [Required];
        }
        var trimmed = username.Trim();
        if (trimmed.Length == 0)
        {
            return [Blank];
        }
        var errors = new List<string>();
        if (trimmed.Length < UsernameMinLength)
        {
            errors.Add($"Ensure this field has at least {UsernameMinLength} characters.");
        }
        if (trimmed.Length > UsernameMaxLength)
        {
            errors.Add($"Ensure this field has no more than {UsernameMaxLength} characters.");
        }
        // ASCII letters and digits only: no look-alikes, no control or invisible characters to normalise away.
        if (!trimmed.All(char.IsAsciiLetterOrDigit))
        {
            errors.Add("Username may contain only letters and digits.");
        }
        if (Reserved.Contains(UserNormalization.Username(trimmed)))
        {
            errors.Add("This username is reserved.");
        }
        return errors;
    }

    public static List<string> ValidateEmail(string? email)
    {
        if (email is null)
        {
            return [Required];
        }
        var trimmed = email.Trim();
        if (trimmed.Length == 0)
        {
            return [Blank];
        }
        if (trimmed.Length > EmailMaxLength)
        {
            return [$"Ensure this field has no more than {EmailMaxLength} characters."];
        }
        return IsValidEmail(trimmed) ? [] : ["Enter a valid email address."];
    }

    /// <summary>One address, nothing else: a local part, one @, a dotted domain of letters, digits and hyphens.</summary>
    public static bool IsValidEmail(string email)
    {
        if (email.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) || !MailAddress.TryCreate(email, out var parsed) ||
            parsed.Address != email || !string.IsNullOrEmpty(parsed.DisplayName))
        {
            return false;
        }
        var at = email.LastIndexOf('@');
        var local = email[..at];
        var domain = email[(at + 1)..];
        var labels = domain.Split('.');
        return local.Length is > 0 and <= 64 && !local.StartsWith('.') && !local.EndsWith('.') && !local.Contains("..") &&
               labels.Length >= 2 &&
               labels.All(l => l.Length is > 0 and <= 63 && !l.StartsWith('-') && !l.EndsWith('-') && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) &&
               labels[^1].Length >= 2 && labels[^1].All(char.IsAsciiLetter);
    }
}
