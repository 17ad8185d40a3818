using AuthApp.Data;
using System.Net.Mail;

namespace AuthApp.Api.Users;

/// <summary>Username and e-mail rules (docs/api.md, validation rules), with DRF's wording where DRF had a message.</summary>
public static class UserRules
{
    public const int UsernameMinLength = UsernameRules.MinLength;
    public const int UsernameMaxLength = UsernameRules.MaxLength;
    public const int EmailMaxLength = 254;

    public const string Required = "This field is required.";
    public const string Blank = "This field may not be blank.";
    public const string UsernameTaken = "A user with that username already exists.";
    public const string EmailTaken = "user with this email already exists.";

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
        return UsernameRules.Check(trimmed).Select(problem => problem switch
        {
            UsernameProblem.TooShort => $"Ensure this field has at least {UsernameMinLength} characters.",
            UsernameProblem.TooLong => $"Ensure this field has no more than {UsernameMaxLength} characters.",
            UsernameProblem.NotAsciiLettersAndDigits => "Username may contain only letters and digits.",
            _ => "This username is reserved.",
        }).ToList();
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
