using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>Reset links expire on the clock: the API here runs on a clock the test moves, and mails through the AppHost's smtp4dev.</summary>
[Collection(InProcessCollection.Name)]
public sealed class RecoveryClockTests(ServersFixture servers, ITestOutputHelper output) : InProcessTest(servers, output)
{
    private const string NewPassword = "Fresh-Meadow-Lantern-77";

    private async Task<string> RequestResetAsync(TestUser user)
    {
        using var forgot = await Api.PostJsonAsync("/api/v1/user/password/forgot", new { email = user.Email });
        Assert.Equal(HttpStatusCode.Accepted, forgot.StatusCode);
        var mail = await Mail.WaitForOneAsync(user.Email);
        Assert.Contains($"{InProcessApi.LinkBaseUrl}/reset-password#token=", mail.Text);
        return mail.Token;
    }

    private Task<HttpResponseMessage> ResetAsync(string token) =>
        Api.PostJsonAsync("/api/v1/user/password/reset", new { token, password = NewPassword, confirm_password = NewPassword });

    [Fact]
    public async Task A_reset_link_works_until_its_thirty_minutes_are_up_and_never_after()
    {
        var early = await Api.RegisterAndLoginAsync();
        var late = await Api.RegisterAndLoginAsync();
        var earlyToken = await RequestResetAsync(early);
        var lateToken = await RequestResetAsync(late);

        App.Clock.Advance(TimeSpan.FromMinutes(30) - TimeSpan.FromSeconds(5));
        using (var inTime = await ResetAsync(earlyToken))
        {
            Assert.Equal(HttpStatusCode.OK, inTime.StatusCode);
        }

        App.Clock.Advance(TimeSpan.FromSeconds(6));
        using var expired = await ResetAsync(lateToken);
        await expired.AssertProblemAsync(HttpStatusCode.BadRequest, "account_token_invalid");
        await Api.LoginAsync(late.Email, late.Password); // the password did not change
    }
}

/// <summary>Users:RequireVerifiedEmail=true: registration mails a confirmation and login waits for it.</summary>
[Collection(InProcessCollection.Name)]
public sealed class VerifiedEmailPolicyTests(ServersFixture servers, ITestOutputHelper output)
    : InProcessTest(servers, output, ("Users:RequireVerifiedEmail", "true"))
{
    [Fact]
    public async Task Login_is_refused_with_its_own_code_until_the_mailed_link_is_opened()
    {
        var username = ApiClient.NewUsername();
        var email = $"{username}@example.com";
        using (var created = await Api.PostJsonAsync("/api/v1/user/create", new { username, email, password = ApiClient.StrongPassword }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var mail = await Mail.WaitForOneAsync(email);
        Assert.Contains("Confirm your e-mail address", mail.Subject);

        using (var wrongPassword = await Api.PostJsonAsync("/api/v1/user/login", new { email, password = "Not-The-Password-1" }))
        {
            await wrongPassword.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_credentials"); // the policy tells a stranger nothing
        }
        using (var unverified = await Api.PostJsonAsync("/api/v1/user/login", new { email, password = ApiClient.StrongPassword }))
        {
            await unverified.AssertProblemAsync(HttpStatusCode.Forbidden, "email_not_verified");
        }
        using (var confirm = await Api.PostJsonAsync("/api/v1/user/email/confirm", new { token = mail.Token }))
        {
            Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        }
        await Api.LoginAsync(email, ApiClient.StrongPassword);
        // Within the minute, the refused login above mailed no second link.
        Assert.Single(await Mail.MessagesToAsync(email));
    }
}
