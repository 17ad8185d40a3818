using System.Text.RegularExpressions;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AuthApp.Tests.Integration;

/// <summary>
/// The staff console signs staff in through AuthApp (OpenID Connect, code + PKCE, ES256): the password goes to AuthApp
/// only, non-staff are refused, one sign-in serves the console and the sample web app, and signing out of the console
/// signs the browser out of AuthApp.
/// </summary>
[Collection(ServiceTrustCollection.Name)]
public sealed class ConsoleSignInTests(ServiceTrustFixture fixture, ChromiumFixture chromium, ITestOutputHelper output)
    : AppHostTest<ServiceTrustFixture>(fixture, output), IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly BrowserContexts _browser = new(chromium.Browser);
    private readonly int _adminLogMark = fixture.AdminLogs.Count;

    private Uri ApiAddress => Fixture.App.GetEndpoint("api", "http");

    [Fact]
    public async Task Staff_sign_in_on_AuthApps_page_and_signing_out_of_the_console_signs_out_of_AuthApp()
    {
        var page = await _browser.NewPageAsync(Fixture.Admin.ToString());
        var authorize = await page.RunAndWaitForRequestAsync(() => page.GotoAsync("/users"), r => r.Url.Contains("/connect/authorize?"));
        await Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(ApiAddress.GetLeftPart(UriPartial.Authority))}/account/signin\\?"));
        // Code + PKCE, and a sign-in no older than the console's idle limit (30 minutes).
        Assert.Contains("response_type=code", authorize.Url);
        Assert.Contains("code_challenge_method=S256", authorize.Url);
        Assert.Contains("max_age=1800", authorize.Url);
        await ChromiumFixture.ScreenshotAsync(page, "console-signin-authapp");

        // The password is posted to AuthApp, never to the console.
        var post = await page.RunAndWaitForRequestAsync(
            () => page.SignInAsync(AppHostFixture.RootEmail, TestSecrets.SuperuserPassword),
            request => request.Method == "POST" && request.Url.Contains("/account/signin"));
        Assert.Equal(ApiAddress.Authority, new Uri(post.Url).Authority);
        await Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(Fixture.Admin.GetLeftPart(UriPartial.Authority))}/users$"));
        await Expect(page.Locator(".who-name")).ToHaveTextAsync("rootadmin");
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("table.grid tbody tr").First).ToBeVisibleAsync();

        await page.ClickAsync("#sign-out");
        await Expect(page.Locator(".notice")).ToHaveTextAsync("You have signed out.");
        // AuthApp's session ended with it: its account page and the console both ask for the password again.
        await page.GotoAsync(new Uri(ApiAddress, "/account").ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/account/signin"));
        await page.GotoAsync(new Uri(Fixture.Admin, "/audit").ToString());
        await Expect(page.Locator("#password")).ToBeVisibleAsync();

        var logs = string.Join('\n', Fixture.AdminLogs.Skip(_adminLogMark));
        Assert.Contains("signed in to the console", logs);
        Assert.DoesNotContain("eyJ", logs);
        Assert.DoesNotContain(TestSecrets.SuperuserPassword, logs);
    }

    [Fact]
    public async Task A_non_staff_account_is_refused_and_another_account_can_sign_in_without_leaving_AuthApp_first()
    {
        var user = await Api.RegisterAndLoginAsync();
        var page = await _browser.NewPageAsync(Fixture.Admin.ToString());
        await page.GotoAsync("/users");
        await page.SignInAsync(user.Username, user.Password);

        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?refused=1$"));
        await Expect(page.Locator("#signin-error")).ToHaveTextAsync("This account is not a staff account. The console is for staff only.");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "authapp-console");
        // The app session the refused sign-in opened was logged out: the test's login and the browser's AuthApp session remain.
        using (var sessions = await Api.GetAsync("/api/v1/user/sessions", user.AccessToken))
        {
            var kinds = (await sessions.ReadJsonAsync()).GetProperty("sessions").EnumerateArray()
                .Select(s => s.GetProperty("kind").GetString()).Order().ToList();
            Assert.Equal(["api", "browser"], kinds);
        }

        // Signed in at AuthApp as the refused person, the console asks AuthApp for a fresh sign-in (prompt=login).
        await page.ClickAsync("#sign-in");
        await page.SignInAsync(AppHostFixture.RootEmail, TestSecrets.SuperuserPassword);
        await Expect(page.Locator(".who-name")).ToHaveTextAsync("rootadmin");
    }

    [Fact]
    public async Task One_sign_in_serves_the_sample_web_app_and_the_console_and_one_sign_out_ends_both_at_AuthApp()
    {
        var staff = await Api.RegisterStaffAsync(await Fixture.RootAccessTokenAsync());
        var page = await _browser.NewPageAsync(Fixture.Admin.ToString());
        var web = Fixture.App.GetEndpoint("web", "http");
        await page.GotoAsync(web.ToString());
        await page.ClickAsync("#sign-in");
        await page.SignInAsync(staff.Username, staff.Password);
        await Expect(page.Locator("#hello")).ToHaveTextAsync($"Hello, {staff.Username}");
        await Expect(page.Locator("#inventory")).ToContainTextAsync("200 ");

        // The console: no password asked, AuthApp's session signs the browser in.
        var signInPages = 0;
        page.Request += (_, request) => signInPages += request.Url.Contains("/account/signin") ? 1 : 0;
        await page.GotoAsync(new Uri(Fixture.Admin, "/users").ToString());
        await Expect(page).ToHaveURLAsync(new Regex($"^{Regex.Escape(Fixture.Admin.GetLeftPart(UriPartial.Authority))}/users$"));
        await Expect(page.Locator(".who-name")).ToHaveTextAsync(staff.Username);
        Assert.Equal(0, signInPages);

        // Signing out of the console ends the AuthApp session and every app session under it: the web app's access
        // token is refused by the inventory service, and signing in to the web app again asks for the password.
        await page.WaitForInteractiveAsync();
        await page.ClickAsync("#sign-out");
        await Expect(page.Locator(".notice")).ToHaveTextAsync("You have signed out.");
        Assert.True(await WebAppIsRefusedAsync(page, web), "the web app's access token still worked after sign-out");
        await page.Context.ClearCookiesAsync(new() { Domain = web.Host, Name = "sample-web" });
        await page.GotoAsync(web.ToString());
        await page.ClickAsync("#sign-in");
        await Expect(page.Locator("#password")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Signing_in_while_AuthApp_is_unreachable_says_so_and_sets_no_cookie()
    {
        await using var relay = new TcpForwarder(ApiAddress);
        relay.Start();
        relay.Cut();
        using var console = new ConsoleInProcess(relay.Address, settings:
        [
            ("Console:SignIn:Authority", relay.Address.ToString()),
            ("AuthApp:ClientId", "admin"),
            ("AuthApp:ClientSecret", AppHostFixture.ConsoleClientSecret),
        ]);
        var page = await _browser.NewPageAsync(console.Address);
        var response = await page.GotoAsync("/users");

        Assert.Equal(503, response!.Status);
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?unavailable=1$"));
        await Expect(page.Locator(".outage-box")).ToContainTextAsync("The AuthApp API is not reachable. You are not signed in");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "authapp-console");
    }

    /// <summary>The inventory service sees the logout through its revocation feed (polled each second): reload until it does.</summary>
    private static async Task<bool> WebAppIsRefusedAsync(IPage page, Uri web)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        do
        {
            await page.GotoAsync(web.ToString());
            if ((await page.Locator("#inventory").InnerTextAsync()).StartsWith("401", StringComparison.Ordinal))
            {
                return true;
            }
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);
        return false;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _browser.DisposeAsync();
}
