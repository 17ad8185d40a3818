using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>The API's own logs, captured at Debug level while it handles secrets, hold none of them.</summary>
[Collection(InProcessCollection.Name)]
public sealed class LogSecrecyTests(ServersFixture servers, ITestOutputHelper output) : InProcessTest(servers, output)
{
    [Fact]
    public async Task Tokens_passwords_and_hashes_never_reach_the_logs()
    {
        var user = await Api.RegisterAndLoginAsync();
        using (await Api.GetAsync("/api/v1/user/me", user.AccessToken)) { }
        using var refresh = await Api.RefreshAsync(user.RefreshToken);
        var rotated = await refresh.ReadJsonAsync();
        using (await Api.RefreshAsync(user.RefreshToken)) { } // reuse: logged as a warning
        using (await Api.GetAsync("/api/v1/user/me", "forged." + user.AccessToken)) { }
        using (await Api.PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = "Wrong-But-Secret-99" })) { }
        const string newPassword = "Brand-New-Secret-Pass-55";
        var second = await Api.LoginAsync(user.Email, user.Password);
        using (await Api.PutJsonAsync("/api/v1/user/update", new { password = newPassword, confirm_password = newPassword, current_password = user.Password }, second.Access)) { }

        var logs = string.Join('\n', App.Logs);
        Assert.Contains("/api/v1/user/login", logs); // the capture works and saw these requests
        var secrets = new[]
        {
            user.Password, newPassword, "Wrong-But-Secret-99",
            user.AccessToken, user.RefreshToken, second.Access, second.Refresh,
            rotated.GetProperty("access_token").GetString()!, rotated.GetProperty("refresh_token").GetString()!,
        };
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logs);
            Assert.DoesNotContain(secret.Split('.').Last(), logs); // not even a token's signature
        }
        Assert.DoesNotContain("$argon2id$", logs);
        // SQL is logged (Information) but its parameter values never are: EF prints them as '?'.
        Assert.Contains("Executed DbCommand", logs);
        Assert.DoesNotMatch(@"@\w+='[^?]", logs);
    }
}
