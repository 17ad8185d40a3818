using AuthApp.Data.Passwords;

namespace AuthApp.MigrationService.DjangoImport;

/// <summary>
/// Whether a stored password value can log in once imported, as AuthApp's login would decide it: parsed, never
/// computed, and no hash material in the text. The report says exactly which rows can log in, so every value a login
/// accepts (a Django format within the bounds, AuthApp's own Argon2id within the bounds) is told apart from every value
/// it refuses.
/// </summary>
public static class ImportedPasswordCheck
{
    /// <summary>Why the value can never log in, or null when a login can verify it.</summary>
    public static string? Problem(string stored, PasswordHasher hasher)
    {
        if (stored.StartsWith("$argon2id$", StringComparison.Ordinal))
        {
            return hasher.IsVerifiableArgon2id(stored) ? null : "an Argon2id value that is malformed or beyond AuthApp's bounds";
        }
        var info = DjangoPasswordVerifier.Inspect(stored);
        var detail = info.Reason is { Length: > 0 } reason ? $": {reason}" : "";
        return info.Status switch
        {
            DjangoHashStatus.Verifiable => null,
            DjangoHashStatus.Unusable => "unusable password (Django's set_unusable_password)",
            DjangoHashStatus.Unknown when stored.Length == 0 => "no password",
            DjangoHashStatus.Unknown when PasswordHasher.HasIdentityV3Shape(stored) =>
                "an ASP.NET Core Identity v3 hash: it logs in only where the API sets Passwords:Hashing:AcceptIdentityV3",
            DjangoHashStatus.Unknown => "not a Django password format",
            DjangoHashStatus.Unsupported => $"{info.Format} hashes are not verified by AuthApp{detail}",
            DjangoHashStatus.CostTooHigh => $"{info.Format} cost above AuthApp's limits{detail}",
            _ => $"malformed {info.Format} hash{detail}",
        };
    }
}
