using System.Text.RegularExpressions;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AuthApp.Tests.Integration;

/// <summary>
/// A console session that expires sends the browser back to sign-in. The console runs in the test process against
/// the AppHost's API, its sessions on a clock the test moves (30 minutes idle and 12 hours in all by default).
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class ConsoleSessionExpiryTests(AppHostFixture fixture, ChromiumFixture chromium, ITestOutputHelper output)
    : AppHostTest<AppHostFixture>(fixture, output), IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task An_idle_session_expires_and_the_next_page_asks_to_sign_in_again() => await SignedInAsync(async (page, clock) =>
    {
        // Used within the idle period, the session lives on past it.
        clock.Advance(TimeSpan.FromMinutes(29));
        await page.GotoAsync("/audit");
        await Expect(page).ToHaveURLAsync(new Regex("/audit$"));
        await page.WaitForInteractiveAsync();
        clock.Advance(TimeSpan.FromMinutes(29));
        await page.GotoAsync("/keys");
        await Expect(page).ToHaveURLAsync(new Regex("/keys$"));
        await page.WaitForInteractiveAsync();

        clock.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(1));
        await page.GotoAsync("/audit");
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?returnUrl=%2Faudit"));
        await Expect(page.Locator("#identifier")).ToBeVisibleAsync();
    });

    [Fact]
    public async Task A_session_in_use_still_ends_at_its_absolute_lifetime() => await SignedInAsync(async (page, clock) =>
    {
        // Every 25 minutes for 11 h 40 min: never idle, so still signed in.
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromHours(11.5); elapsed += TimeSpan.FromMinutes(25))
        {
            clock.Advance(TimeSpan.FromMinutes(25));
            var touch = await page.Context.APIRequest.GetAsync("/keys", new() { MaxRedirects = 0 });
            Assert.Equal(200, touch.Status);
        }
        clock.Advance(TimeSpan.FromMinutes(25)); // past 12 hours since sign-in
        await page.GotoAsync("/users");
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?returnUrl=%2Fusers"));
    });

    /// <summary>Signs the superuser in to a console whose sessions age on a clock of the test's, then runs <paramref name="test"/>.</summary>
    private async Task SignedInAsync(Func<IPage, FakeTimeProvider, Task> test)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var console = new ConsoleInProcess(Fixture.App.GetEndpoint("api", "http"), clock);
        var context = await chromium.Browser.NewConsoleContextAsync(console.Address);
        try
        {
            var page = await context.NewPageAsync();
            await page.SignInAtAsync("/users", AppHostFixture.RootEmail, TestSecrets.SuperuserPassword);
            await test(page, clock);
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
