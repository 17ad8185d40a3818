using AuthApp.Data;
using AuthApp.Api.Common;
using AuthApp.Api.Users;

namespace AuthApp.Tests.Unit;

public sealed class UserRulesTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("Bob2024")]
    [InlineData("abc")]
    [InlineData("a23456789012345678901234567890")]
    public void Valid_usernames(string username) => Assert.Empty(UserRules.ValidateUsername(username));

    [Theory]
    [InlineData(null, "This field is required.")]
    [InlineData("  ", "This field may not be blank.")]
    [InlineData("ab", "Ensure this field has at least 3 characters.")]
    [InlineData("a234567890123456789012345678901", "Ensure this field has no more than 30 characters.")]
    [InlineData("bob.smith", "Username may contain only letters and digits.")]
    [InlineData("bob\u0000x", "Username may contain only letters and digits.")]
    [InlineData("ｂｏｂｂｙ", "Username may contain only letters and digits.")]
    [InlineData("Admin", "This username is reserved.")]
    public void Invalid_usernames(string? username, string message) => Assert.Contains(message, UserRules.ValidateUsername(username));

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("Alice.Smith+tag@Sub.Example.co.uk")]
    public void Valid_emails(string email) => Assert.Empty(UserRules.ValidateEmail(email));

    [Theory]
    [InlineData("plainaddress")]
    [InlineData("two@@example.com")]
    [InlineData("Alice <alice@example.com>")]
    [InlineData("alice@localhost")]
    [InlineData("alice@example.c")]
    [InlineData("al ice@example.com")]
    [InlineData("alice@exa_mple.com")]
    [InlineData(".alice@example.com")]
    [InlineData("alice@exam\nple.com")]
    public void Invalid_emails(string email) => Assert.Contains("Enter a valid email address.", UserRules.ValidateEmail(email));

    [Fact]
    public void Overlong_emails_are_refused() =>
        Assert.Contains("Ensure this field has no more than 254 characters.", UserRules.ValidateEmail(new string('a', 250) + "@x.io"));

    [Fact]
    public void Normalisation_folds_case_and_compatibility_forms()
    {
        Assert.Equal("alice", UserNormalization.Username(" ALICE "));
        Assert.Equal("admin", UserNormalization.Username("Ａｄｍｉｎ"));
        Assert.Equal("alice@example.com", UserNormalization.Email("Alice@EXAMPLE.com"));
        Assert.Equal("Alice@example.com", UserNormalization.EmailForDisplay("Alice@EXAMPLE.com"));
    }

    [Fact]
    public void Cursors_round_trip_and_garbage_is_refused()
    {
        var cursor = new KeysetCursor(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero), Guid.NewGuid());
        Assert.True(KeysetCursor.TryDecode(cursor.Encode(), out var decoded));
        Assert.Equal(cursor, decoded);
        Assert.True(KeysetCursor.TryDecode(null, out var none));
        Assert.Null(none);
        Assert.False(KeysetCursor.TryDecode("not-a-cursor", out _));
        Assert.False(KeysetCursor.TryDecode("%%%", out _));
        Assert.False(KeysetCursor.TryDecode(new string('A', 200), out _));
    }

    [Theory]
    [InlineData(null, true, 10)]
    [InlineData("1", true, 1)]
    [InlineData("100", true, 100)]
    [InlineData("0", false, 0)]
    [InlineData("101", false, 0)]
    [InlineData("-5", false, 0)]
    [InlineData("ten", false, 0)]
    public void Page_limits(string? text, bool valid, int expected)
    {
        Assert.Equal(valid, PageLimit.TryParse(text, out var limit));
        if (valid)
        {
            Assert.Equal(expected, limit);
        }
    }
}
