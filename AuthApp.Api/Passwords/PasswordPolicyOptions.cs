using System.ComponentModel.DataAnnotations;

namespace AuthApp.Api.Passwords;

/// <summary>Django's four validators (on by default) plus optional composition rules (off by default).</summary>
public sealed class PasswordPolicyOptions
{
    public const string Section = "Passwords:Policy";

    [Range(1, 128)]
    public int MinimumLength { get; set; } = 8;

    [Range(8, 1024)]
    public int MaximumLength { get; set; } = 128;

    /// <summary>Django's UserAttributeSimilarityValidator max_similarity; 0 turns the rule off.</summary>
    [Range(0.0, 1.0)]
    public double MaxSimilarity { get; set; } = 0.7;

    public bool RejectCommonPasswords { get; set; } = true;
    public bool RejectNumericPasswords { get; set; } = true;

    public bool RequireDigit { get; set; }
    public bool RequireUppercase { get; set; }
    public bool RequireLowercase { get; set; }
    public bool RequireSymbol { get; set; }
}
