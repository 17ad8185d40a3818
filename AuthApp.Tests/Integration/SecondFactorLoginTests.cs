using System.Text.Json;
using Aspire.Hosting.Testing;
using OtpNet;
using Xunit.Abstractions;

namespace AuthApp.Tests.Integration;

/// <summary>
/// The JSON login of accounts with a second factor, end to end through the AppHost (PostgreSQL, Redis, the API as run):
/// an authenticator app's code after the password, and a passkey — alone and after the password — answered by a software
/// passkey for the origin the AppHost configured (the API's own address, relying party localhost).
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class SecondFactorLoginTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    [Fact]
    public async Task An_account_with_an_authenticator_app_logs_in_in_two_requests()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var begun = await Api.PostJsonAsync("/api/v1/user/factors/totp", new { }, user.AccessToken);
        var totp = new Totp(Base32Encoding.ToBytes((await begun.ReadJsonAsync()).GetProperty("secret").GetString()));
        using (var confirmed = await Api.PostJsonAsync("/api/v1/user/factors/totp/confirm", new { code = totp.ComputeTotp() }, user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        }

        var challenge = await ChallengeAsync(user, ["totp", "recovery_code"]);
        // The next step's code: the confirming one is spent, and one step of drift is allowed.
        using var finished = await Api.PostJsonAsync("/api/v1/user/login/second-factor",
            new { challenge, code = totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30)) });
        var tokens = await finished.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        using var me = await Api.GetAsync("/api/v1/user/me", tokens.GetProperty("access_token").GetString());
        Assert.Equal(user.Id, (await me.ReadJsonAsync()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task An_account_with_a_passkey_signs_in_with_it_alone_or_after_the_password()
    {
        var user = await Api.RegisterAndLoginAsync();
        var origin = Fixture.App.GetEndpoint("api", "http").GetLeftPart(UriPartial.Authority);
        var passkey = new SoftPasskey("localhost", origin);
        var (ceremony, options) = await BeginAsync("/api/v1/user/passkeys/options", new { }, user.AccessToken);
        using (var registered = await Api.PostJsonAsync("/api/v1/user/passkeys",
            new { ceremony, name = "Phone", credential = passkey.Register(options) }, user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        (ceremony, options) = await BeginAsync("/api/v1/user/login/passkey/options", new { });
        using (var alone = await Api.PostJsonAsync("/api/v1/user/login/passkey", new { ceremony, credential = passkey.Assert(options) }))
        {
            Assert.Equal(user.Id, (await alone.ReadJsonAsync()).GetProperty("user").GetProperty("id").GetGuid());
        }

        var challenge = await ChallengeAsync(user, ["passkey"]);
        (ceremony, options) = await BeginAsync("/api/v1/user/login/second-factor/passkey-options", new { challenge });
        using var finished = await Api.PostJsonAsync("/api/v1/user/login/second-factor",
            new { challenge, passkey = new { ceremony, credential = passkey.Assert(options) } });
        Assert.Equal(user.Id, (await finished.ReadJsonAsync()).GetProperty("user").GetProperty("id").GetGuid());
    }

    private async Task<string> ChallengeAsync(TestUser user, string[] factors)
    {
        using var login = await Api.PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = user.Password });
        var problem = await login.AssertProblemAsync(HttpStatusCode.Unauthorized, "second_factor_required");
        Assert.Equal(factors, problem.GetProperty("factors").EnumerateArray().Select(f => f.GetString()));
        return problem.GetProperty("challenge").GetString()!;
    }

    private async Task<(string Ceremony, JsonElement Options)> BeginAsync(string path, object body, string? accessToken = null)
    {
        using var begun = await Api.PostJsonAsync(path, body, accessToken);
        var json = await begun.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, begun.StatusCode);
        return (json.GetProperty("ceremony").GetString()!, json.GetProperty("options"));
    }
}
