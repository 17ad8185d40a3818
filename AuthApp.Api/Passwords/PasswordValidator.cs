using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Passwords;

/// <summary>
/// Django's AUTH_PASSWORD_VALIDATORS as the original service ran them, with Django's messages.
/// Every failing rule is reported, so a client can show them all at once.
/// </summary>
public sealed partial class PasswordValidator(IOptions<PasswordPolicyOptions> options, CommonPasswords commonPasswords)
{
    private readonly PasswordPolicyOptions _policy = options.Value;

    public IReadOnlyList<string> Validate(string password, string? username, string? email)
    {
        var errors = new List<string>();
        if (password.Length < _policy.MinimumLength)
        {
            errors.Add($"This password is too short. It must contain at least {_policy.MinimumLength} characters.");
        }
        if (password.Length > _policy.MaximumLength)
        {
            errors.Add($"This password is too long. It must contain at most {_policy.MaximumLength} characters.");
        }
        if (_policy.MaxSimilarity > 0)
        {
            if (IsTooSimilar(password, username, _policy.MaxSimilarity))
            {
                errors.Add("The password is too similar to the username.");
            }
            if (IsTooSimilar(password, email, _policy.MaxSimilarity))
            {
                errors.Add("The password is too similar to the email address.");
            }
        }
        if (_policy.RejectCommonPasswords && commonPasswords.Contains(password))
        {
            errors.Add("This password is too common.");
        }
        if (_policy.RejectNumericPasswords && password.Length > 0 && password.All(char.IsDigit))
        {
            errors.Add("This password is entirely numeric.");
        }
        if (_policy.RequireDigit && !password.Any(char.IsDigit))
        {
            errors.Add("This password must contain at least one digit.");
        }
        if (_policy.RequireUppercase && !password.Any(char.IsUpper))
        {
            errors.Add("This password must contain at least one uppercase letter.");
        }
        if (_policy.RequireLowercase && !password.Any(char.IsLower))
        {
            errors.Add("This password must contain at least one lowercase letter.");
        }
        if (_policy.RequireSymbol && password.All(char.IsLetterOrDigit))
        {
            errors.Add("This password must contain at least one symbol.");
        }
        return errors;
    }

    /// <summary>
    /// Django's UserAttributeSimilarityValidator: the attribute and each of its \W+-separated parts are
    /// compared with difflib's SequenceMatcher.quick_ratio; parts far shorter than the password are skipped.
    /// </summary>
    public static bool IsTooSimilar(string password, string? attribute, double maxSimilarity)
    {
        if (string.IsNullOrEmpty(attribute))
        {
            return false;
        }
        var lowerPassword = password.ToLowerInvariant();
        var value = attribute.ToLowerInvariant();
        var parts = NonWordRun().Split(value).Append(value);
        foreach (var part in parts)
        {
            if (ExceedsMaximumLengthRatio(lowerPassword, maxSimilarity, part))
            {
                continue;
            }
            if (QuickRatio(lowerPassword, part) >= maxSimilarity)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Django's exceeds_maximum_length_ratio: no need to compare a 3-letter part with a 40-letter password.</summary>
    private static bool ExceedsMaximumLengthRatio(string password, double maxSimilarity, string value)
    {
        var passwordLength = password.Length;
        var lengthBoundSimilarity = maxSimilarity / 2 * passwordLength;
        var valueLength = value.Length;
        return passwordLength >= 10 * valueLength && valueLength < lengthBoundSimilarity;
    }

    /// <summary>difflib.SequenceMatcher(a, b).quick_ratio(): 2·|multiset intersection| / (|a| + |b|).</summary>
    public static double QuickRatio(string a, string b)
    {
        var total = a.Length + b.Length;
        if (total == 0)
        {
            return 1.0;
        }
        var available = new Dictionary<char, int>();
        foreach (var c in b)
        {
            available[c] = available.GetValueOrDefault(c) + 1;
        }
        var matches = 0;
        foreach (var c in a)
        {
            if (available.GetValueOrDefault(c) > 0)
            {
                available[c]--;
                matches++;
            }
        }
        return 2.0 * matches / total;
    }

    // Python's \W with re.UNICODE: anything but letters, digits and underscore.
    [GeneratedRegex(@"[^\p{L}\p{Nd}_]+")]
    private static partial Regex NonWordRun();
}
