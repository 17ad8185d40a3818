using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AuthApp.Tests.Integration;

/// <summary>
/// The staff console in a real browser (Debian's Chromium through Playwright) against the console the AppHost
/// started: sign-in, finding and deactivating a user, the audit trail, refusals, session end, not-found.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class ConsoleBrowserTests(AppHostFixture fixture, ChromiumFixture chromium, ITestOutputHelper output)
    : AppHostTest<AppHostFixture>(fixture, output), IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private const string RootEmail = AppHostFixture.RootEmail;
    private readonly BrowserContexts _browser = new(chromium.Browser);
    private readonly int _adminLogMark = fixture.AdminLogs.Count;

    [Fact]
    public async Task Staff_sign_in_find_a_user_deactivate_them_and_see_it_in_the_audit_trail()
    {
        var user = await Api.RegisterAndLoginAsync();
        var page = await _browser.NewPageAsync(Fixture.Admin.ToString());

        await page.GotoAsync("/users");
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?returnUrl=%2Fusers"));
        await ChromiumFixture.ScreenshotAsync(page, "console-signin");
        await page.SignInAsync(RootEmail, TestSecrets.SuperuserPassword);
        await Expect(page).ToHaveURLAsync(new Regex("/users$"));
        await Expect(page.Locator(".who-name")).ToHaveTextAsync("rootadmin");
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("table.grid tbody tr").First).ToBeVisibleAsync();
        await ChromiumFixture.ScreenshotAsync(page, "console-users");

        await page.FillAsync("#search", user.Username);
        await page.ClickAsync("#search-button");
        var row = page.Locator("table.grid tbody tr", new() { HasText = user.Username });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync(user.Email);

        await row.GetByRole(AriaRole.Link, new() { Name = user.Username }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/users/{user.Id}$"));
        await Expect(page.Locator("table[aria-label='Active sessions'] tbody tr")).ToHaveCountAsync(1);
        await ChromiumFixture.ScreenshotAsync(page, "console-user");

        await page.ClickAsync("#deactivate");
        var dialog = page.Locator("fluent-dialog");
        await Expect(dialog).ToContainTextAsync("every session they have ends at once");
        await page.ConfirmAsync("Deactivate");
        await Expect(page.Locator(".done")).ToContainTextAsync($"Deactivate: done for {user.Username}");
        await Expect(page.Locator(".badge.inactive")).ToBeVisibleAsync();
        await Expect(page.Locator("#no-sessions")).ToBeVisibleAsync();
        await Expect(page.Locator("#activate")).ToBeVisibleAsync();

        // The user's access token is refused by the API at its next request.
        using var me = await Api.GetAsync("/api/v1/user/me", user.AccessToken);
        await me.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_revoked");

        await page.GetByRole(AriaRole.Link, new() { Name = "Audit trail for this user" }).ClickAsync();
        var entry = page.Locator("table[aria-label='Audit trail'] tbody tr").First;
        await Expect(entry).ToContainTextAsync("user.deactivate");
        await Expect(entry).ToContainTextAsync("rootadmin");
        await Expect(entry).ToContainTextAsync(user.Username);
        await Expect(entry).ToContainTextAsync("succeeded");
        await ChromiumFixture.ScreenshotAsync(page, "console-audit");

        // HS256 (this AppHost): no keys in the database, rotation explained and not offered.
        await page.GetByRole(AriaRole.Link, new() { Name = "Signing keys" }).ClickAsync();
        await Expect(page.Locator("#shared-secret-mode")).ToContainTextAsync("one shared HS256 secret");
        await Expect(page.Locator("#rotate")).ToHaveAttributeAsync("disabled", new Regex(".*")); // fluent-button reflects it as an attribute
        await ChromiumFixture.ScreenshotAsync(page, "console-keys");

        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync($"/users?search={user.Username}");
        await Expect(page.Locator("table.grid tbody tr", new() { HasText = user.Username })).ToBeVisibleAsync();
        await ChromiumFixture.ScreenshotAsync(page, "console-users-phone");

        // Nothing secret reached the console's logs: no JWT (they all start "eyJ"), no password, no cookie value.
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "authapp-console");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite); // Lax: it must come with the way back from AuthApp's sign-in
        var logs = string.Join('\n', Fixture.AdminLogs.Skip(_adminLogMark));
        Assert.Contains("signed in to the console", logs);
        Assert.DoesNotContain("eyJ", logs);
        Assert.DoesNotContain(TestSecrets.SuperuserPassword, logs);
        Assert.DoesNotContain(cookie.Value, logs);
        Assert.DoesNotContain(cookie.Value[..Math.Min(24, cookie.Value.Length)], logs);
    }

    [Fact]
    public async Task A_wrong_password_shows_the_apis_message_and_a_non_staff_account_is_refused()
    {
        var page = await _browser.NewPageAsync(Fixture.Admin.ToString());
        await page.GotoAsync("/signin");

        await page.SignInAsync("", "");
        await Expect(page.Locator("#identifier-error")).ToHaveTextAsync("This field is required.");
        await Expect(page.Locator("#password-error")).ToHaveTextAsync("This field is required.");

        await page.SignInAsync(RootEmail, "Not-The-Password-1");
        await Expect(page.Locator("#signin-error")).ToHaveTextAsync("Invalid credentials.");
        await ChromiumFixture.ScreenshotAsync(page, "console-signin-error");

        var user = await Api.RegisterAndLoginAsync();
        await page.SignInAsync(user.Username, user.Password);
        await Expect(page.Locator("#signin-error")).ToHaveTextAsync("This account is not a staff account. The console is for staff only.");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "authapp-console");
        // The API session the refused sign-in opened was logged out: only the test's own login is live.
        using var sessions = await Api.GetAsync($"/api/v1/admin/users/{user.Id}/sessions", await Fixture.RootAccessTokenAsync());
        Assert.Equal(1, (await sessions.ReadJsonAsync()).GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task A_staff_member_stripped_of_staff_elsewhere_is_sent_back_to_sign_in_at_the_next_request()
    {
        var root = await Fixture.RootAccessTokenAsync();
        var staff = await Api.RegisterStaffAsync(root);
        var page = await _browser.NewPageAsync(Fixture.Admin.ToString());
        await page.SignInAtAsync("/users", staff.Email, staff.Password);

        // Revoking staff ends every session of the account, the console's included.
        await page.RevokeStaffAndSeeSessionEndAsync(Api, staff, root);

        // Signing in again is refused: the account is no longer staff.
        await page.SignInAsync(staff.Email, staff.Password);
        await Expect(page.Locator("#signin-error")).ToContainTextAsync("not a staff account");
    }

    [Fact]
    public async Task An_unknown_user_id_is_a_clean_not_found_page_and_signing_out_ends_the_session()
    {
        var page = await SignedInPageAsync();
        var response = await page.GotoAsync($"/users/{Guid.NewGuid()}");
        Assert.Equal(404, response!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("User not found");
        var malformed = await page.GotoAsync("/users/not-an-id");
        Assert.Equal(404, malformed!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Not found");

        // Signing out (a form with its antiforgery token) ends the session: the next page asks to sign in.
        await page.GotoAsync("/audit");
        await page.WaitForInteractiveAsync();
        await page.ClickAsync("#sign-out");
        await Expect(page.Locator(".notice")).ToHaveTextAsync("You have signed out.");
        await page.GotoAsync("/audit");
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?returnUrl=%2Faudit"));
    }

    [Fact]
    public async Task Staff_reset_the_second_factors_of_a_user_who_lost_their_phone()
    {
        var user = await Api.RegisterAndLoginAsync();
        using (var begun = await Api.PostJsonAsync("/api/v1/user/factors/totp", new { }, user.AccessToken))
        {
            var totp = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes((await begun.ReadJsonAsync()).GetProperty("secret").GetString()));
            using var confirmed = await Api.PostJsonAsync("/api/v1/user/factors/totp/confirm", new { code = totp.ComputeTotp() }, user.AccessToken);
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        }
        var page = await SignedInPageAsync($"/users/{user.Id}");
        await Expect(page.Locator("#factors")).ToContainTextAsync("Authenticator app since");
        await Expect(page.Locator("#factors")).ToContainTextAsync("10 recovery codes left");
        await ChromiumFixture.ScreenshotAsync(page, "console-user-factors");

        await page.ClickAsync("#reset-factors");
        await page.ConfirmAsync("Reset second factors");
        await Expect(page.Locator(".done")).ToContainTextAsync($"Reset second factors: done for {user.Username}");
        await Expect(page.Locator("#no-factors")).ToBeVisibleAsync();
        await Api.LoginAsync(user.Email, user.Password); // the password alone signs in again
    }

    [Fact]
    public async Task A_staff_member_with_an_authenticator_app_signs_in_with_a_second_step()
    {
        var staff = await Api.RegisterStaffAsync(await Fixture.RootAccessTokenAsync());
        string recoveryCode;
        using (var begun = await Api.PostJsonAsync("/api/v1/user/factors/totp", new { }, staff.AccessToken))
        {
            var totp = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes((await begun.ReadJsonAsync()).GetProperty("secret").GetString()));
            using var confirmed = await Api.PostJsonAsync("/api/v1/user/factors/totp/confirm", new { code = totp.ComputeTotp() }, staff.AccessToken);
            recoveryCode = (await confirmed.ReadJsonAsync()).GetProperty("recovery_codes")[0].GetString()!;
        }
        var page = await _browser.NewPageAsync(Fixture.Admin.ToString());
        await page.GotoAsync("/users");
        await page.SignInAsync(staff.Email, staff.Password);
        await Expect(page.Locator("#signin-error")).ToHaveTextAsync("Enter the code from your authenticator app (or one of your recovery codes).");

        // (The app's current code confirmed it a moment ago and is spent; a recovery code does as well.)
        await page.FillAsync("#code", recoveryCode);
        await page.ClickAsync("#sign-in");
        await Expect(page).ToHaveURLAsync(new Regex("/users$"));
        await Expect(page.Locator(".who-name")).ToHaveTextAsync(staff.Username);
    }

    private async Task<IPage> SignedInPageAsync(string path = "/users")
    {
        var page = await _browser.NewPageAsync(Fixture.Admin.ToString());
        await page.SignInAtAsync(path, RootEmail, TestSecrets.SuperuserPassword);
        return page;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _browser.DisposeAsync();
}
