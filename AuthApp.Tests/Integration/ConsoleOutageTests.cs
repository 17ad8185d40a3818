using Aspire.Hosting.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AuthApp.Tests.Integration;

/// <summary>
/// The staff console when the API goes away: a console in the test process (on a real port, for the browser)
/// reaches the AppHost's API through a relay the test cuts and restores, so the API stays up for everyone else.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class ConsoleOutageTests(AppHostFixture fixture, ChromiumFixture chromium, ITestOutputHelper output)
    : AppHostTest<AppHostFixture>(fixture, output), IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task An_outage_shows_a_banner_changes_nothing_and_the_console_recovers()
    {
        var user = await Api.RegisterAndLoginAsync();
        await using var relay = new TcpForwarder(Fixture.App.GetEndpoint("api", "http"));
        relay.Start();
        using var console = new ConsoleInProcess(relay.Address);
        var context = await chromium.Browser.NewConsoleContextAsync(console.Address);
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync($"/users/{user.Id}");
            await page.SignInAsync(AppHostFixture.RootEmail, TestSecrets.SuperuserPassword);
            await Expect(page.Locator("h1")).ToHaveTextAsync(user.Username);
            await page.WaitForInteractiveAsync();
            // The live page loads the user again through the relay: cut only once it has.
            await page.Locator("#user-loaded").WaitForAsync(new() { State = WaitForSelectorState.Attached });

            relay.Cut();
            await page.ClickAsync("#grant-staff");
            await page.ConfirmAsync("Grant staff");
            await Expect(page.Locator(".outage")).ToContainTextAsync("The AuthApp API is not reachable. Nothing was changed.");
            await Expect(page.Locator("#grant-staff")).ToBeVisibleAsync(); // the last state the page knew, no success claimed
            await Expect(page.Locator(".done")).ToHaveCountAsync(0);
            await ChromiumFixture.ScreenshotAsync(page, "console-outage");

            relay.Start();
            using var stored = await Api.GetAsync($"/api/v1/admin/users/{user.Id}", await Fixture.RootAccessTokenAsync());
            Assert.False((await stored.ReadJsonAsync()).GetProperty("is_staff").GetBoolean());
            await page.ReloadAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync(user.Username);
            await page.WaitForInteractiveAsync();
            await Expect(page.Locator(".outage")).ToHaveCountAsync(0);
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task Signing_in_during_an_outage_says_so_and_sets_no_cookie()
    {
        await using var relay = new TcpForwarder(Fixture.App.GetEndpoint("api", "http"));
        relay.Start();
        relay.Cut();
        using var console = new ConsoleInProcess(relay.Address);
        var context = await chromium.Browser.NewConsoleContextAsync(console.Address);
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/signin");
            var response = await page.RunAndWaitForResponseAsync(
                () => page.SignInAsync(AppHostFixture.RootEmail, TestSecrets.SuperuserPassword), r => r.Url.Contains("/signin"));
            Assert.Equal(503, response.Status);
            await Expect(page.Locator(".outage-box")).ToContainTextAsync("The AuthApp API is not reachable. You are not signed in");
            Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "authapp-console");
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
