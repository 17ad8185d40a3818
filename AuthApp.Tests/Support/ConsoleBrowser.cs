using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthApp.Tests.Support;

/// <summary>What the console's browser tests do again and again: a fresh browser profile, signing in, waiting for the circuit, confirming.</summary>
public static class ConsoleBrowser
{
    /// <summary>A new cookie jar at desktop size, with a default wait long enough for a loaded 2-core machine.</summary>
    public static async Task<IBrowserContext> NewConsoleContextAsync(this IBrowser browser, string baseUrl)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        context.SetDefaultTimeout(15_000);
        return context;
    }

    /// <summary>Fills and posts the sign-in form the page shows.</summary>
    public static async Task SignInAsync(this IPage page, string identifier, string password)
    {
        await page.FillAsync("#identifier", identifier);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    /// <summary>Opens <paramref name="path"/>, signs in on the form it redirects to, and waits for the live page there.</summary>
    public static async Task SignInAtAsync(this IPage page, string path, string identifier, string password)
    {
        await page.GotoAsync(path);
        await page.SignInAsync(identifier, password);
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(path) + "$"));
        await page.WaitForInteractiveAsync();
    }

    /// <summary>
    /// Staff revoke <paramref name="staff"/>'s staff role through the API while they are signed in to the console on
    /// <paramref name="page"/>: their next console request ends the session and the page says so.
    /// </summary>
    public static async Task RevokeStaffAndSeeSessionEndAsync(this IPage page, HttpClient api, TestUser staff, string rootToken)
    {
        using (var revoke = await api.PostJsonAsync($"/api/v1/admin/users/{staff.Id}/revoke-staff", new { }, rootToken))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit trail" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?ended=1"));
        await Expect(page.Locator(".notice")).ToHaveTextAsync("Your session has ended. Sign in again.");
    }

    /// <summary>The page's circuit is up: clicks now reach the server.</summary>
    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator("#console-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>Answers the confirmation dialog with its primary button.</summary>
    public static Task ConfirmAsync(this IPage page, string button) =>
        page.Locator("fluent-dialog").GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
}
