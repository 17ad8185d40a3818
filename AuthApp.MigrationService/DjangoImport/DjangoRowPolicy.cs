using AuthApp.Data;

namespace AuthApp.MigrationService.DjangoImport;

/// <summary>What to do with one row before it reaches the target: stage it (with a note, perhaps) or skip it, with the reason.</summary>
public readonly record struct RowDecision(bool Stage, RowOutcome Outcome, string? Reason)
{
    public static RowDecision Skip(RowOutcome outcome, string reason) => new(false, outcome, reason);
}

/// <summary>A row whose e-mail or username collides with another's once case is ignored.</summary>
public sealed record TwinCandidate(Guid Id, string Username, DateTimeOffset DateJoined, DateTimeOffset? LastLogin);

/// <summary>
/// The import's policy for rows that do not fit AuthApp's rules (docs/moving-from-django.md):
/// <list type="bullet">
/// <item>Usernames that break the rules for new ones (non-ASCII, over 30 characters, reserved, too short) are kept as
/// they are: legacy names, valid for login and display, up to Django's 150 characters. A user who changes one gets the rules.</item>
/// <item>Rows whose e-mails (or usernames) differ only by case — Django's unique constraints are case-sensitive, AuthApp's are
/// not — keep one account: the one that logged in last, else the one that joined first, else the lower id. The others are
/// skipped and reported with the id that was kept.</item>
/// <item>A stored password that can never log in (unusable <c>!…</c>, an unknown or malformed format) is kept as it is and reported.</item>
/// <item>Rows that cannot be an account (empty or over-long username or e-mail, control characters) are skipped and reported.</item>
/// </list>
/// </summary>
public static class DjangoRowPolicy
{
    public const int EmailMaxLength = 254;

    public static RowDecision Decide(DjangoUserRow row, Func<string, string?> passwordProblem)
    {
        if (string.IsNullOrWhiteSpace(row.Username))
        {
            return RowDecision.Skip(RowOutcome.SkippedInvalid, "empty username");
        }
        if (string.IsNullOrWhiteSpace(row.Email))
        {
            return RowDecision.Skip(RowOutcome.SkippedInvalid, "empty e-mail");
        }
        if (row.Username.Any(char.IsControl) || row.Email.Any(char.IsControl))
        {
            return RowDecision.Skip(RowOutcome.SkippedInvalid, "control characters in the username or e-mail");
        }
        if (UserNormalization.Username(row.Username).Length > UsernameRules.StoredMaxLength || row.Username.Length > UsernameRules.StoredMaxLength)
        {
            return RowDecision.Skip(RowOutcome.SkippedInvalid, $"username longer than {UsernameRules.StoredMaxLength} characters");
        }
        if (UserNormalization.Email(row.Email).Length > EmailMaxLength || row.Email.Length > EmailMaxLength)
        {
            return RowDecision.Skip(RowOutcome.SkippedInvalid, $"e-mail longer than {EmailMaxLength} characters");
        }

        var notes = new List<string>();
        var outcome = RowOutcome.Imported;
        var usernameProblems = UsernameRules.Check(row.Username.Trim());
        if (usernameProblems.Count > 0)
        {
            outcome = RowOutcome.ImportedLegacyUsername;
            notes.Add("legacy username kept (" + string.Join(", ", usernameProblems.Select(Describe)) + ")");
        }
        if (passwordProblem(row.Password) is { } problem)
        {
            outcome = outcome == RowOutcome.Imported ? RowOutcome.ImportedPasswordCannotLogIn : outcome;
            notes.Add($"password cannot log in: {problem}");
        }
        return new RowDecision(true, outcome, notes.Count == 0 ? null : string.Join("; ", notes));
    }

    /// <summary>For each group of case twins, the ids that are skipped and the id kept in their place.</summary>
    public static Dictionary<Guid, Guid> ChooseKeepers(IEnumerable<IEnumerable<TwinCandidate>> groups)
    {
        var skipped = new Dictionary<Guid, Guid>();
        foreach (var group in groups)
        {
            var ordered = group
                .OrderByDescending(t => t.LastLogin ?? DateTimeOffset.MinValue)
                .ThenBy(t => t.DateJoined)
                .ThenBy(t => t.Id.ToString(), StringComparer.Ordinal)
                .ToList();
            foreach (var twin in ordered.Skip(1))
            {
                skipped.TryAdd(twin.Id, ordered[0].Id);
            }
        }
        return skipped;
    }

    private static string Describe(UsernameProblem problem) => problem switch
    {
        UsernameProblem.TooShort => $"shorter than {UsernameRules.MinLength} characters",
        UsernameProblem.TooLong => $"longer than {UsernameRules.MaxLength} characters",
        UsernameProblem.NotAsciiLettersAndDigits => "not only ASCII letters and digits",
        _ => "a reserved name",
    };
}
