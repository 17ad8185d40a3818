namespace AuthApp.Data;

/// <summary>What a username must be, as facts (the API words the messages, the Django import words its report).</summary>
public enum UsernameProblem
{
    TooShort,
    TooLong,
    NotAsciiLettersAndDigits,
    Reserved,
}

/// <summary>
/// The rules for new usernames (docs/api.md, validation rules): 3–30 ASCII letters and digits, not reserved. Usernames imported
/// from Django that break them are kept as they were (legacy, up to Django's 150 characters), valid for login
/// and display; a user who changes one gets the rules.
/// </summary>
public static class UsernameRules
{
    public const int MinLength = 3;
    public const int MaxLength = 30;

    /// <summary>The column's width: Django's own maximum, for imported usernames.</summary>
    public const int StoredMaxLength = 150;

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "admin", "administrator", "root", "system", "support", "staff", "superuser", "moderator",
        "api", "auth", "login", "logout", "me", "user", "users", "null", "undefined", "anonymous", "authapp",
    };

    /// <summary>The rules a trimmed, non-empty username breaks; empty when it may be registered.</summary>
    public static List<UsernameProblem> Check(string trimmed)
    {
        var problems = new List<UsernameProblem>();
        if (trimmed.Length < MinLength)
        {
            problems.Add(UsernameProblem.TooShort);
        }
        if (trimmed.Length > MaxLength)
        {
            problems.Add(UsernameProblem.TooLong);
        }
        // ASCII letters and digits only: no look-alikes, no control or invisible characters to normalise away.
        if (!trimmed.All(char.IsAsciiLetterOrDigit))
        {
            problems.Add(UsernameProblem.NotAsciiLettersAndDigits);
        }
        if (Reserved.Contains(UserNormalization.Username(trimmed)))
        {
            problems.Add(UsernameProblem.Reserved);
        }
        return problems;
    }
}
