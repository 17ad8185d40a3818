using System.Text.RegularExpressions;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AuthApp.Tests.Integration;

/// <summary>
/// The console's session rules, with staff signed in through AuthApp: a staff member stripped of staff elsewhere is sent
/// back to sign-in and refused there; an idle console session ends and the next page goes through AuthApp again; an API
/// outage raises the banner and changes nothing. The last two run a console in the test process (its own clock, or a
/// relay the test cuts), registered by staff as a first-party client for the port it listens on.
/// </summary>
[Collection(ServiceTrustCollection.Name)]
public sealed class ConsoleSessionThroughAuthAppTests(ServiceTrustFixture fixture, ChromiumFixture chromium, ITestOutputHelper output)
    : AppHostTest<ServiceTrustFixture>(fixture, output), IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly BrowserContexts _browser = new(chromium.Browser);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _browser.DisposeAsync();

    private Uri ApiAddress => Fixture.App.GetEndpoint("api", "http");

    [Fact]
    public async Task A_staff_member_stripped_of_staff_elsewhere_is_sent_back_to_sign_in_and_refused_there()
    {
        var root = await Fixture.RootAccessTokenAsync();
        var staff = await Api.RegisterStaffAsync(root);
        var page = await _browser.NewPageAsync(Fixture.Admin.ToString());
        await page.SignInAtAsync("/users", staff.Email, staff.Password);

        // Revoking staff ends every session of the account: the console's, and the browser's at AuthApp.
        await page.RevokeStaffAndSeeSessionEndAsync(Api, staff, root);

        await page.ClickAsync("#sign-in");
        await page.SignInAsync(staff.Email, staff.Password); // AuthApp asks again: its session ended too
        await Expect(page.Locator("#signin-error")).ToContainTextAsync("not a staff account");
    }

    [Fact]
    public async Task An_idle_console_session_ends_and_the_next_page_goes_back_through_AuthApp()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var console = await ConsoleInProcess.ThroughAuthAppAsync(Api, await Fixture.RootAccessTokenAsync(), ApiAddress, ApiAddress, clock);
        var page = await _browser.NewPageAsync(console.Address);
        await page.SignInAtAsync("/users", AppHostFixture.RootEmail, TestSecrets.SuperuserPassword);

        // Used within the idle period, the session lives on without AuthApp.
        clock.Advance(TimeSpan.FromMinutes(29));
        await page.GotoAsync("/keys");
        await Expect(page).ToHaveURLAsync(new Regex("/keys$"));

        // Idle past 30 minutes (the tab closed: an open page would notice on its own and show "session ended"): the
        // session is gone, and the next page asks AuthApp for a sign-in no older than that.
        await page.GotoAsync("about:blank");
        clock.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(1));
        var authorize = await page.RunAndWaitForRequestAsync(() => NavigateAsync(page, "/audit"), r => r.Url.Contains("/connect/authorize?"));
        Assert.Contains("max_age=1800", authorize.Url);
        // AuthApp's own sign-in is minutes old on its clock, so it signs the browser straight back in: a new console session.
        await Expect(page).ToHaveURLAsync(new Regex("/audit$"));
    }

    [Fact]
    public async Task With_a_second_factor_required_staff_without_one_enrol_before_the_console_opens()
    {
        var root = await Fixture.RootAccessTokenAsync();
        var staff = await Api.RegisterAndLoginAsync();
        using (var granted = await Api.PostJsonAsync($"/api/v1/admin/users/{staff.Id}/grant-staff", new { }, root))
        {
            Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        }
        using var console = await ConsoleInProcess.ThroughAuthAppAsync(Api, root, ApiAddress, ApiAddress, null,
            ("Console:RequireSecondFactorForStaff", "true"));
        var page = await _browser.NewPageAsync(console.Address);
        await page.GotoAsync("/users");
        await page.SignInAsync(staff.Email, staff.Password);
        await Expect(page).ToHaveURLAsync(new Regex("/second-factor-required$"));
        await Expect(page.GetByRole(AriaRole.Navigation)).ToHaveCountAsync(0); // no console links around the check
        await Expect(page.Locator("#add-passkey")).ToHaveAttributeAsync("href", new Uri(ApiAddress, "/account/passkeys").ToString());
        await page.GotoAsync("/audit");
        await Expect(page).ToHaveURLAsync(new Regex("/second-factor-required$"));

        // An authenticator app enrolled (through the API here; on AuthApp's page in life): the console opens.
        var staffToken = (await Api.LoginAsync(staff.Email, staff.Password)).Access;
        using var begun = await Api.PostJsonAsync("/api/v1/user/factors/totp", new { }, staffToken);
        var totp = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes((await begun.ReadJsonAsync()).GetProperty("secret").GetString()));
        using (var confirmed = await Api.PostJsonAsync("/api/v1/user/factors/totp/confirm", new { code = totp.ComputeTotp() }, staffToken))
        {
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        }
        await page.GetByRole(AriaRole.Link, new() { Name = "open the console" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/users$"));
        await page.WaitForInteractiveAsync();
    }

    /// <summary>
    /// Opens <paramref name="path"/> when the way leads through AuthApp and back: the way back is a form AuthApp's page posts
    /// itself, a navigation of its own that Chromium reports as the first one aborted. Where it ends is checked after.
    /// </summary>
    private static async Task NavigateAsync(IPage page, string path)
    {
        try
        {
            await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit });
        }
        catch (PlaywrightException ex) when (ex.Message.Contains("ERR_ABORTED"))
        {
        }
    }

    [Fact]
    public async Task An_outage_shows_the_banner_changes_nothing_and_the_console_recovers()
    {
        var user = await Api.RegisterAndLoginAsync();
        await using var relay = new TcpForwarder(ApiAddress);
        relay.Start();
        using var console = await ConsoleInProcess.ThroughAuthAppAsync(Api, await Fixture.RootAccessTokenAsync(), ApiAddress, relay.Address);
        var page = await _browser.NewPageAsync(console.Address);
        await page.SignInAtAsync($"/users/{user.Id}", AppHostFixture.RootEmail, TestSecrets.SuperuserPassword);
        await page.Locator("#user-loaded").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        relay.Cut();
        await page.ClickAsync("#grant-staff");
        await page.ConfirmAsync("Grant staff");
        await Expect(page.Locator(".outage")).ToContainTextAsync("The AuthApp API is not reachable. Nothing was changed.");
        await Expect(page.Locator(".done")).ToHaveCountAsync(0);

        relay.Start();
        using var stored = await Api.GetAsync($"/api/v1/admin/users/{user.Id}", await Fixture.RootAccessTokenAsync());
        Assert.False((await stored.ReadJsonAsync()).GetProperty("is_staff").GetBoolean());
        await page.ReloadAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(user.Username);
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator(".outage")).ToHaveCountAsync(0);
    }
}
