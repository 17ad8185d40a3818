using AuthApp.Api.Email;
using AuthApp.AppHost.Infrastructure;
using MailKit.Security;

namespace AuthApp.Tests.Unit;

public sealed class EmailTests
{
    [Theory]
    [InlineData("Endpoint=smtp://localhost:2525", "localhost", 2525, SecureSocketOptions.StartTlsWhenAvailable, null, null)]
    [InlineData("Endpoint=smtp://smtp.example.com:587;Username=api;Password=p;w=d", "smtp.example.com", 587, SecureSocketOptions.StartTls, "api", null)]
    [InlineData("Endpoint=smtp://smtp.example.com;Username=api;Password=secret", "smtp.example.com", 587, SecureSocketOptions.StartTls, "api", "secret")]
    [InlineData("smtps://user%40example.com:s%3Acret@mail.example.com", "mail.example.com", 465, SecureSocketOptions.SslOnConnect, "user@example.com", "s:cret")]
    [InlineData("Endpoint=smtp://relay.internal:25;Security=None", "relay.internal", 25, SecureSocketOptions.None, null, null)]
    public void Connection_strings_of_both_forms_parse(string text, string host, int port, SecureSocketOptions security, string? username, string? password)
    {
        Assert.True(SmtpEndpoint.TryParse(text, out var endpoint, out var error), error);
        Assert.Equal(host, endpoint!.Host);
        Assert.Equal(port, endpoint.Port);
        Assert.Equal(security, endpoint.Security);
        Assert.Equal(username, endpoint.Username);
        if (password is not null)
        {
            Assert.Equal(password, endpoint.Password);
        }
        Assert.DoesNotContain("secret", endpoint.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Endpoint=http://localhost:25")]
    [InlineData("Endpoint=smtp://localhost:25;Security=Sometimes")]
    [InlineData("not a connection string")]
    public void Bad_connection_strings_say_what_to_set(string? text)
    {
        Assert.False(SmtpEndpoint.TryParse(text, out _, out var error));
        Assert.Contains("ConnectionStrings:mail", error);
    }

    [Fact]
    public void Templates_encode_what_they_insert_and_carry_the_link_in_both_bodies()
    {
        var link = new Uri("https://app.example.com/reset-password#token=abc_-123");
        var mail = MailTemplates.PasswordReset("password_reset", "AuthApp", "<b>bob</b>", link, TimeSpan.FromMinutes(30));
        Assert.Contains(link.AbsoluteUri, mail.TextBody);
        Assert.Contains($"href=\"{link.AbsoluteUri}\"", mail.HtmlBody);
        Assert.Contains("&lt;b&gt;bob&lt;/b&gt;", mail.HtmlBody);
        Assert.DoesNotContain("<b>bob</b>", mail.HtmlBody);
        Assert.Contains("30 minutes", mail.TextBody);
    }

    [Theory]
    [InlineData("00:30:00", "30 minutes")]
    [InlineData("01:00:00", "1 hour")]
    [InlineData("1.00:00:00", "1 day")]
    [InlineData("2.00:00:00", "2 days")]
    [InlineData("01:30:00", "90 minutes")]
    public void Lifetimes_read_as_people_count(string lifetime, string expected) =>
        Assert.Equal(expected, MailTemplates.Describe(TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void The_tool_manifest_pins_smtp4dev_and_the_apphost_finds_it()
    {
        var manifest = LocalSmtp4dev.FindManifest(AppContext.BaseDirectory);
        Assert.NotNull(manifest);
        Assert.Equal("3.15.0", LocalSmtp4dev.PinnedVersion(File.ReadAllText(manifest)));
    }

    [Fact]
    public void A_missing_smtp4dev_says_how_to_install_it()
    {
        var empty = Directory.CreateTempSubdirectory("authapp-nuget-").FullName;
        try
        {
            var error = Assert.Throws<InfrastructureException>(() => LocalSmtp4dev.Find(AppContext.BaseDirectory, empty, "linux-x64"));
            Assert.Contains("dotnet tool restore", error.Message);
            Assert.Contains("ConnectionStrings:mail", error.Message);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }
}
