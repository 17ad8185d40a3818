using Aspire.Hosting.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AuthApp.Tests.Integration;

/// <summary>AuthApp's own sign-in pages in a real browser, through the AppHost: sign in, see your sessions, end one, sign out.</summary>
[Collection(ServiceTrustCollection.Name)]
public sealed class SignInPagesTests(ServiceTrustFixture fixture, ChromiumFixture chromium, ITestOutputHelper output)
    : AppHostTest<ServiceTrustFixture>(fixture, output), IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly BrowserContexts _browser = new(chromium.Browser);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _browser.DisposeAsync();

    [Fact]
    public async Task A_person_signs_in_sees_where_they_are_signed_in_ends_a_session_and_signs_out()
    {
        var user = await Api.RegisterAndLoginAsync();
        var api = Fixture.App.GetEndpoint("api", "http");
        var page = await _browser.NewPageAsync(api.ToString());
        await page.GotoAsync("/account");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/signin\\?returnUrl=%2Faccount$"));
        await page.GetByLabel("E-mail or username").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync("wrong-password-here");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Invalid credentials.");
        await ChromiumFixture.ScreenshotAsync(page, "signin-error");

        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your account" })).ToBeVisibleAsync();
        var sessions = page.Locator(".sessions li");
        await Expect(sessions).ToHaveCountAsync(2); // this browser, and the test's API login
        await Expect(sessions.Filter(new() { HasText = "this browser" })).ToContainTextAsync("Signed in on this page");
        await ChromiumFixture.ScreenshotAsync(page, "account");

        // Ending the API login from the page stops its access token at once.
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^End the session API login") }).ClickAsync();
        await Expect(sessions).ToHaveCountAsync(1);
        using (var me = await Api.GetAsync("/api/v1/user/me", user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        await page.SetViewportSizeAsync(390, 844);
        await ChromiumFixture.ScreenshotAsync(page, "account-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are signed out" })).ToBeVisibleAsync();
        await page.GotoAsync("/account");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/signin"));
    }

    [Fact]
    public async Task A_person_signs_in_to_the_sample_web_app_once_is_signed_in_at_AuthApp_and_signs_out_of_both()
    {
        var user = await Api.RegisterAndLoginAsync();
        var web = Fixture.App.GetEndpoint("web", "http");
        var api = Fixture.App.GetEndpoint("api", "http");
        // The app sends the browser to AuthApp (ASP.NET Core's OpenIdConnect handler: code + PKCE), which asks once.
        var page = await _browser.NewPageAsync(web.ToString());
        await page.GotoAsync(web.ToString());
        await page.ClickAsync("#sign-in");
        await page.GetByLabel("E-mail or username").FillAsync(user.Username);
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#hello")).ToHaveTextAsync($"Hello, {user.Username}");
        // The app calls the inventory service with the person's access token.
        await Expect(page.Locator("#inventory")).ToContainTextAsync($"200 {{\"kind\":\"user\",\"id\":\"{user.Id}\"");

        // Single sign-on: AuthApp's account page knows the person without asking again, and lists the app.
        await page.GotoAsync(new Uri(api, "/account").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your account" })).ToBeVisibleAsync();
        await Expect(page.Locator(".sessions")).ToContainTextAsync("App: web");

        // Signing out of the app signs out of AuthApp too.
        await page.GotoAsync(web.ToString());
        await page.ClickAsync("#sign-out");
        await Expect(page.Locator("#signed-out")).ToBeVisibleAsync();
        await page.GotoAsync(new Uri(api, "/account").ToString());
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/signin"));
    }

    [Fact]
    public async Task A_new_person_creates_an_account_on_the_way_to_the_sample_web_app_and_arrives_signed_in()
    {
        var web = Fixture.App.GetEndpoint("web", "http");
        var page = await _browser.NewPageAsync(web.ToString());
        await page.GotoAsync(web.ToString());
        await page.ClickAsync("#sign-in");
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        var username = ApiClient.NewUsername();
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("E-mail").FillAsync($"{username}@example.com");
        await page.GetByLabel("Password").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the account" }).ClickAsync();
        await Expect(page.Locator("#password-error")).ToContainTextAsync("This password is too short.");
        await ChromiumFixture.ScreenshotAsync(page, "signup-error");

        await page.GetByLabel("Password").FillAsync(ApiClient.StrongPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create the account" }).ClickAsync();
        await Expect(page.Locator("#hello")).ToHaveTextAsync($"Hello, {username}");
    }

    [Fact]
    public async Task A_forgotten_password_is_reset_from_the_mailed_link_on_AuthApps_own_page()
    {
        var user = await Api.RegisterAndLoginAsync();
        var api = Fixture.App.GetEndpoint("api", "http");
        var page = await _browser.NewPageAsync(api.ToString());
        await page.GotoAsync("/account");
        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
        await page.GetByLabel("E-mail").FillAsync(user.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the link" }).ClickAsync();
        await Expect(page.Locator("#forgot-sent")).ToBeVisibleAsync();

        // The link opens AuthApp's reset page; its script takes the token from the fragment and out of the address bar.
        var mail = await Fixture.Mail.WaitForOneAsync(user.Email);
        var link = System.Text.RegularExpressions.Regex.Match(mail.Text, @"https?://\S+/reset-password#token=\S+").Value;
        await page.GotoAsync(link);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/reset-password$"));
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("Fresh-Meadow-Lantern-77");
        await page.GetByLabel("The new password again").FillAsync("Fresh-Meadow-Lantern-77");
        await ChromiumFixture.ScreenshotAsync(page, "reset-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change the password" }).ClickAsync();
        await Expect(page.Locator("#reset-done")).ToBeVisibleAsync();
        await Api.LoginAsync(user.Email, "Fresh-Meadow-Lantern-77");
    }

    [Fact]
    public async Task A_person_sets_up_an_authenticator_app_and_then_signs_in_in_two_steps()
    {
        var user = await Api.RegisterAndLoginAsync();
        var api = Fixture.App.GetEndpoint("api", "http");
        var page = await _browser.NewPageAsync(api.ToString());
        await page.GotoAsync("/account");
        await page.SignInAsync(user.Email, user.Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "Set up or change two-step sign-in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up an authenticator app" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code of the key for your authenticator app" })).ToBeVisibleAsync();
        await ChromiumFixture.ScreenshotAsync(page, "two-step-enrol");

        // What an authenticator app does with the key: the current code.
        var key = await page.Locator("#totp-secret").InnerTextAsync();
        await page.GetByLabel("Code from the app").FillAsync(new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(key)).ComputeTotp());
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        var recoveryCode = await page.Locator("#recovery-codes li").First.InnerTextAsync();
        await Expect(page.Locator("#two-step-on")).ToContainTextAsync("10 recovery codes left");

        // Signed out, the password is no longer enough: the page asks for the second step.
        await page.GotoAsync("/account/signout");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync("/account");
        await page.SignInAsync(user.Email, user.Password);
        await Expect(page.Locator("#second-factor")).ToBeVisibleAsync();
        await ChromiumFixture.ScreenshotAsync(page, "two-step-sign-in");
        await page.GetByText("Use a recovery code instead").ClickAsync();
        await page.GetByLabel("Recovery code").FillAsync(recoveryCode.Trim());
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your account" })).ToBeVisibleAsync();
        Assert.Contains("recovery code was used", (await Fixture.Mail.WaitForOneAsync(user.Email)).Subject);
    }

    [Fact]
    public async Task Right_after_staff_rotate_the_key_an_app_that_read_the_old_keys_still_signs_people_in()
    {
        var web = Fixture.App.GetEndpoint("web", "http").ToString();
        var first = await Api.RegisterAndLoginAsync();
        var page = await _browser.NewPageAsync(web);
        await page.GotoAsync(web);
        await page.ClickAsync("#sign-in");
        await page.SignInAsync(first.Username, first.Password);
        await Expect(page.Locator("#hello")).ToHaveTextAsync($"Hello, {first.Username}"); // the app has read the keys

        using (var rotated = await Api.PostJsonAsync("/api/v1/admin/keys/rotate", new { }, await Fixture.RootAccessTokenAsync()))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }
        // The next ID token is signed with a key the app has never seen: it re-reads AuthApp's keys and signs in again,
        // silently, instead of failing the person.
        var second = await Api.RegisterAndLoginAsync();
        var other = await _browser.NewPageAsync(web);
        await other.GotoAsync(web);
        await other.ClickAsync("#sign-in");
        await other.SignInAsync(second.Username, second.Password);
        await Expect(other.Locator("#hello")).ToHaveTextAsync($"Hello, {second.Username}");
    }
}
