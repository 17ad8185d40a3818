using Aspire.Hosting.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AuthApp.Tests.Integration;

/// <summary>
/// Passkeys as people use them, in Debian's Chromium with a virtual platform authenticator (DevTools WebAuthn), against
/// the AppHost's API (relying party localhost, origin the API's own address): register one on the account page, sign in
/// with it alone, give it as the second step after the password, and a cloned credential with a stale counter refused.
/// </summary>
[Collection(ServiceTrustCollection.Name)]
public sealed class PasskeyBrowserTests(ServiceTrustFixture fixture, ChromiumFixture chromium, ITestOutputHelper output)
    : AppHostTest<ServiceTrustFixture>(fixture, output), IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly BrowserContexts _browser = new(chromium.Browser);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _browser.DisposeAsync();

    [Fact]
    public async Task A_person_registers_a_passkey_signs_in_with_it_alone_and_after_the_password_and_a_clone_is_refused()
    {
        var user = await Api.RegisterAndLoginAsync();
        var page = await _browser.NewPageAsync(Fixture.App.GetEndpoint("api", "http").ToString());
        var authenticator = await VirtualAuthenticator.AddAsync(page);
        await SignInWithPasswordAsync(page, user);

        // Register: the account page's link, a name, the browser's own ceremony.
        await page.GetByRole(AriaRole.Link, new() { Name = "Add or manage passkeys" }).ClickAsync();
        await Expect(page.Locator("#no-passkeys")).ToBeVisibleAsync();
        await page.GetByLabel("Name it after the device it is on").FillAsync("Test laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Expect(page.Locator(".passkey-name")).ToHaveTextAsync("Test laptop");
        await ChromiumFixture.ScreenshotAsync(page, "passkeys");
        var credential = Assert.Single(await authenticator.CredentialsAsync());
        Assert.True(credential.GetProperty("isResidentCredential").GetBoolean()); // discoverable: it can sign in alone
        using (var listed = await Api.GetAsync("/api/v1/user/passkeys", user.AccessToken))
        {
            Assert.Equal("Test laptop", Assert.Single((await listed.ReadJsonAsync()).EnumerateArray()).GetProperty("name").GetString());
        }

        // A passkey alone: no identifier, no password.
        await page.Context.ClearCookiesAsync();
        await page.GotoAsync("/account");
        await ChromiumFixture.ScreenshotAsync(page, "passkey-sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your account" })).ToBeVisibleAsync();
        await Expect(page.Locator(".lead")).ToContainTextAsync(user.Username);

        // With a passkey, the password is the first step only: the passkey is the second.
        await page.Context.ClearCookiesAsync();
        await page.GotoAsync("/account");
        await page.GetByLabel("E-mail or username").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.Locator("#second-factor")).ToContainTextAsync("needs your passkey");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use your passkey" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your account" })).ToBeVisibleAsync();

        // Renamed on the page (the session is minutes old, so a change of factors needs nothing more).
        await page.GetByRole(AriaRole.Link, new() { Name = "Add or manage passkeys" }).ClickAsync();
        await page.GetByLabel("New name for Test laptop").FillAsync("Work laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await Expect(page.Locator(".passkey-name")).ToHaveTextAsync("Work laptop");

        // A copy made before the last uses: its counter is behind the one AuthApp recorded, and it is refused.
        var used = Assert.Single(await authenticator.CredentialsAsync());
        Assert.True(used.GetProperty("signCount").GetInt32() >= 2);
        await authenticator.ReplaceWithCopyAsync(used, signCount: 0);
        await page.Context.ClearCookiesAsync();
        await page.GotoAsync("/account");
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey" }).ClickAsync();
        await Expect(page.Locator("#sign-in-error")).ToContainTextAsync("copied passkey");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    private static async Task SignInWithPasswordAsync(IPage page, TestUser user)
    {
        await page.GotoAsync("/account");
        await page.GetByLabel("E-mail or username").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your account" })).ToBeVisibleAsync();
    }
}
