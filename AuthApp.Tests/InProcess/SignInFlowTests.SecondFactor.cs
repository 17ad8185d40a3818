using OtpNet;

namespace AuthApp.Tests.InProcess;

/// <summary>An account with an authenticator app signs in on the page in two steps, and the app still gets its code.</summary>
public sealed partial class SignInFlowTests
{
    [Fact]
    public async Task The_sign_in_page_asks_an_account_with_an_authenticator_app_for_a_code_after_the_password()
    {
        var user = await Api.RegisterAndLoginAsync();
        var totp = await EnrolAuthenticatorAppAsync(user);
        var app = await RegisterAppAsync(confidential: true);
        var authorize = AuthorizeUrl(app.ClientId, Pkce.New(), "n-2fa");

        using var first = await Api.GetAsync(authorize, accessToken: null);
        var form = await SignInFormAsync(first.Headers.Location!.OriginalString);
        using var password = await PostSignInAsync(form, user.Email, user.Password, form.ReturnUrl);
        Assert.Equal(HttpStatusCode.OK, password.StatusCode);
        var step = await password.Content.ReadAsStringAsync();
        Assert.Contains("id=\"second-factor\"", step);
        var challenge = System.Text.RegularExpressions.Regex.Match(step, "name=\"loginChallenge\" value=\"([^\"]+)\"").Groups[1].Value;
        var antiforgery = System.Text.RegularExpressions.Regex.Match(step, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;

        using (var wrong = await PostFormAsync("/account/signin?handler=SecondFactor", antiforgery, ("returnUrl", form.ReturnUrl!),
                   ("loginChallenge", challenge), ("code", "000000")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("id=\"second-factor\"", await wrong.Content.ReadAsStringAsync()); // still the code step
        }
        App.Clock.Advance(TimeSpan.FromSeconds(30));
        using var right = await PostFormAsync("/account/signin?handler=SecondFactor", antiforgery, ("returnUrl", form.ReturnUrl!),
            ("loginChallenge", challenge), ("code", totp.ComputeTotp(App.Clock.GetUtcNow().UtcDateTime)));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.NotEmpty(await CodeAsync(right.Headers.Location!.OriginalString));
    }

    private async Task<Totp> EnrolAuthenticatorAppAsync(TestUser user)
    {
        using var begun = await Api.PostJsonAsync("/api/v1/user/factors/totp", new { }, user.AccessToken);
        var totp = new Totp(Base32Encoding.ToBytes((await begun.ReadJsonAsync()).GetProperty("secret").GetString()));
        using var confirmed = await Api.PostJsonAsync("/api/v1/user/factors/totp/confirm",
            new { code = totp.ComputeTotp(App.Clock.GetUtcNow().UtcDateTime) }, user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        return totp;
    }
}
