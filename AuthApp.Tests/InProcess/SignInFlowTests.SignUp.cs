using Microsoft.AspNetCore.WebUtilities;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// "Create an account" on the sign-in page, only on the way to an app that lets people sign up, with the registration
/// rules of <c>POST /user/create</c>; and "forgot password" into the recovery flow.
/// </summary>
public sealed partial class SignInFlowTests
{
    [Fact]
    public async Task Only_an_app_that_lets_people_sign_up_offers_it_and_the_new_account_goes_on_to_the_app()
    {
        var closed = await RegisterAppAsync(confidential: true);
        var open = await RegisterAppAsync(confidential: true, allowSignUp: true);

        var closedSignIn = await SignInPageFor(closed.ClientId);
        Assert.DoesNotContain("id=\"create-account\"", closedSignIn.Html);
        Assert.Contains("id=\"forgot\"", closedSignIn.Html);
        using (var refused = await Api.GetAsync($"/account/signup?returnUrl={Uri.EscapeDataString(closedSignIn.ReturnUrl!)}", accessToken: null))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        var openSignIn = await SignInPageFor(open.ClientId);
        var signUpPath = System.Net.WebUtility.HtmlDecode(
            System.Text.RegularExpressions.Regex.Match(openSignIn.Html, "href=\"([^\"]+)\" id=\"create-account\"").Groups[1].Value);
        var form = await SignInFormAsync(signUpPath);
        var username = ApiClient.NewUsername();
        using (var weak = await PostFormAsync("/account/signup", form.Antiforgery, ("returnUrl", form.ReturnUrl!),
                   ("username", username), ("email", $"{username}@example.com"), ("password", "password")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
            Assert.Contains("This password is too common.", await weak.Content.ReadAsStringAsync());
        }
        using var created = await PostFormAsync("/account/signup", form.Antiforgery, ("returnUrl", form.ReturnUrl!),
            ("username", username), ("email", $"{username}@example.com"), ("password", ApiClient.StrongPassword));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.StartsWith("/connect/authorize?", created.Headers.Location!.OriginalString);
        Assert.NotEmpty(await CodeAsync(created.Headers.Location.OriginalString));
        await Api.LoginAsync($"{username}@example.com", ApiClient.StrongPassword); // an ordinary account, for every route
    }

    [Fact]
    public async Task Forgot_password_on_the_sign_in_page_mails_a_link_to_AuthApps_reset_page()
    {
        var user = await Api.RegisterAndLoginAsync();
        var forgot = await SignInFormAsync("/account/forgot");
        using (var sent = await PostFormAsync("/account/forgot", forgot.Antiforgery, ("email", user.Email)))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            Assert.Contains("id=\"forgot-sent\"", await sent.Content.ReadAsStringAsync());
        }
        var mail = await Mail.WaitForOneAsync(user.Email);
        Assert.Contains($"{InProcessApi.LinkBaseUrl}/reset-password#token=", mail.Text);

        var reset = await SignInFormAsync("/reset-password");
        using (var done = await PostFormAsync("/reset-password", reset.Antiforgery, ("token", mail.Token),
                   ("password", "Fresh-Meadow-Lantern-77"), ("confirmPassword", "Fresh-Meadow-Lantern-77")))
        {
            Assert.Contains("id=\"reset-done\"", await done.Content.ReadAsStringAsync());
            Assert.Equal("default-src 'none'; style-src 'self'; script-src 'self'; base-uri 'none'; frame-ancestors 'none'",
                done.Headers.GetValues("Content-Security-Policy").Single());
        }
        await Api.LoginAsync(user.Email, "Fresh-Meadow-Lantern-77");
    }

    /// <summary>The sign-in page an app's authorize request sends a browser that is not signed in to.</summary>
    private async Task<SignInForm> SignInPageFor(string clientId)
    {
        using var authorize = await Api.GetAsync(AuthorizeUrl(clientId, Pkce.New(), "n"), accessToken: null);
        var signIn = authorize.Headers.Location!.OriginalString;
        Assert.StartsWith("/account/signin?returnUrl=", signIn);
        var query = QueryHelpers.ParseQuery(signIn[signIn.IndexOf('?')..]);
        Assert.StartsWith("/connect/authorize?", query["returnUrl"].ToString());
        return await SignInFormAsync(signIn);
    }
}
