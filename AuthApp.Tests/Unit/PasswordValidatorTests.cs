using AuthApp.Api.Passwords;
using Microsoft.Extensions.Options;

namespace AuthApp.Tests.Unit;

public sealed class PasswordValidatorTests
{
    private static readonly CommonPasswords Common = new();

    private static PasswordValidator Validator(PasswordPolicyOptions? policy = null) =>
        new(Options.Create(policy ?? new PasswordPolicyOptions()), Common);

    [Fact]
    public void The_common_password_list_is_djangos_full_list()
    {
        // 19,727 entries: 'wc -l' says 19,726 because the last line ("chobits") has no newline.
        Assert.Equal(19_727, Common.Count);
        Assert.True(Common.Contains("chobits"));
    }

    [Fact]
    public void A_good_password_passes() =>
        Assert.Empty(Validator().Validate("xk9#mQ2!vLpw", "alice", "alice@example.com"));

    [Fact]
    public void Every_failing_rule_is_reported_together()
    {
        var errors = Validator().Validate("1234567", "bob", "bob@example.com");
        Assert.Contains("This password is too short. It must contain at least 8 characters.", errors);
        Assert.Contains("This password is too common.", errors);
        Assert.Contains("This password is entirely numeric.", errors);
    }

    [Theory]
    [InlineData("password")]
    [InlineData("PASSWORD")]
    [InlineData("  qwertyuiop ")]
    public void Common_passwords_are_refused_whatever_their_case_or_padding(string password) =>
        Assert.Contains("This password is too common.", Validator().Validate(password, "zed", "zed@example.com"));

    [Fact]
    public void Passwords_over_128_characters_are_refused() =>
        Assert.Contains("This password is too long. It must contain at most 128 characters.",
            Validator().Validate(new string('x', 100) + "Qz7!" + new string('y', 25), "zed", "zed@example.com"));

    // Expected outcomes computed with Django's own algorithm over Python's difflib.SequenceMatcher.
    [Theory]
    [InlineData("alice1pass", "alice1", true)]
    [InlineData("alicealice", "alice", false)]
    [InlineData("xk9#mQ2!vL", "alice", false)]
    [InlineData("johnsmith1", "john.smith@example.com", false)]
    [InlineData("examplepw", "bob@example.com", true)]
    [InlineData("Tr0ub4dor&3", "tr0ub4dor", true)]
    [InlineData("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzab", "ab", false)]
    [InlineData("bobbobbob", "robert@bob.io", false)]
    [InlineData("s3cret-pass", "secret", false)]
    public void Similarity_follows_djangos_rule(string password, string attribute, bool tooSimilar) =>
        Assert.Equal(tooSimilar, PasswordValidator.IsTooSimilar(password, attribute, 0.7));

    [Theory]
    [InlineData("alice1pass", "alice1", 0.75)]
    [InlineData("alicealice", "alice", 0.6667)]
    [InlineData("Tr0ub4dor&3", "tr0ub4dor", 0.9)]
    public void Quick_ratio_matches_difflib(string a, string b, double expected) =>
        Assert.Equal(expected, PasswordValidator.QuickRatio(a.ToLowerInvariant(), b), 4);

    [Fact]
    public void Similarity_names_the_attribute()
    {
        var errors = Validator().Validate("examplepw1", "zzz", "bob@example.com");
        Assert.Contains("The password is too similar to the email address.", errors);
        Assert.Contains("The password is too similar to the username.", Validator().Validate("alice1pass", "alice1", "x@y.io"));
    }

    [Fact]
    public void Composition_rules_are_off_by_default_and_reported_when_on()
    {
        Assert.Empty(Validator().Validate("lowercase only words", "zed", "zed@example.com"));
        var strict = Validator(new PasswordPolicyOptions { RequireDigit = true, RequireUppercase = true, RequireLowercase = true, RequireSymbol = true });
        var errors = strict.Validate("lowercaseonlywords", "zed", "zed@example.com");
        Assert.Contains("This password must contain at least one digit.", errors);
        Assert.Contains("This password must contain at least one uppercase letter.", errors);
        Assert.Contains("This password must contain at least one symbol.", errors);
        Assert.DoesNotContain("This password must contain at least one lowercase letter.", errors);
    }
}
