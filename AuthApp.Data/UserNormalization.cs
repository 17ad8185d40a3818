using System.Text;

namespace AuthApp.Data;

/// <summary>
/// The forms compared for uniqueness. NFKC folds look-alike compatibility characters (fullwidth
/// letters, ligatures) into one form before case folding, so "Ａdmin" and "admin" collide.
/// </summary>
public static class UserNormalization
{
    public static string Username(string username) => username.Trim().Normalize(NormalizationForm.FormKC).ToLowerInvariant();

    public static string Email(string email) => email.Trim().Normalize(NormalizationForm.FormKC).ToLowerInvariant();

    /// <summary>Django's normalize_email: the domain is lower-cased, the local part kept as typed.</summary>
    public static string EmailForDisplay(string email)
    {
        var trimmed = email.Trim().Normalize(NormalizationForm.FormKC);
        var at = trimmed.LastIndexOf('@');
        return at < 0 ? trimmed : trimmed[..(at + 1)] + trimmed[(at + 1)..].ToLowerInvariant();
    }
}
