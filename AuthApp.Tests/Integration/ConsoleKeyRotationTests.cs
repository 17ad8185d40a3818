using Microsoft.IdentityModel.JsonWebTokens;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AuthApp.Tests.Integration;

/// <summary>
/// Rotating the ES256 signing key from the console's keys page, against the AppHost with two API instances
/// (the only AppHost of the suite that signs with ES256 keys).
/// </summary>
[Collection(ReplicasAppHostCollection.Name)]
public sealed partial class ConsoleKeyRotationTests(ReplicasAppHostFixture fixture, ChromiumFixture chromium, ITestOutputHelper output)
    : AppHostTest<ReplicasAppHostFixture>(fixture, output), IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Rotating_from_the_keys_page_makes_a_new_signing_key_that_both_instances_accept()
    {
        var context = await chromium.Browser.NewConsoleContextAsync(Fixture.Admin.ToString());
        try
        {
            var page = await context.NewPageAsync();
            await page.SignInAtAsync("/keys", AppHostFixture.RootEmail, TestSecrets.SuperuserPassword);
            var signingRow = page.Locator("table[aria-label='Signing keys'] tbody tr", new() { HasText = "Signing" });
            await Expect(signingRow).ToHaveCountAsync(1);
            var oldKid = await signingRow.Locator("code").InnerTextAsync();

            // Cancelling changes nothing; confirming rotates.
            await page.ClickAsync("#rotate");
            await page.ConfirmAsync("Cancel");
            await Expect(page.Locator(".done")).ToHaveCountAsync(0);
            await page.ClickAsync("#rotate");
            await page.ConfirmAsync("Rotate");
            await Expect(page.Locator(".done")).ToContainTextAsync("New signing key");
            var newKid = NewKid().Match(await page.Locator(".done").InnerTextAsync()).Groups["kid"].Value;
            Assert.NotEqual(oldKid, newKid);
            await Expect(signingRow.Locator("code")).ToHaveTextAsync(newKid);
            var retiredRow = page.Locator("table[aria-label='Signing keys'] tbody tr", new() { HasText = oldKid });
            await Expect(retiredRow.Locator("td[data-label='Retired']")).Not.ToHaveTextAsync("—");
            await ChromiumFixture.ScreenshotAsync(page, "console-keys-es256");

            // The instance that rotated signs with the new key at once; the other accepts its tokens (an unknown kid
            // makes it re-read the keys) and the audit trail names the action.
            var kids = new List<string>();
            foreach (var instance in new[] { Fixture.InstanceA, Fixture.InstanceB })
            {
                var (access, _) = await instance.LoginAsync(AppHostFixture.RootEmail, TestSecrets.SuperuserPassword);
                kids.Add(new JsonWebToken(access).Kid);
                foreach (var verifier in new[] { Fixture.InstanceA, Fixture.InstanceB })
                {
                    using var me = await verifier.GetAsync("/api/v1/user/me", access);
                    Assert.Equal(HttpStatusCode.OK, me.StatusCode);
                }
            }
            Assert.Contains(newKid, kids);
            using var audit = await Api.GetAsync("/api/v1/admin/audit?action=keys.rotate&limit=1", await Fixture.RootAccessTokenAsync());
            var entry = (await audit.ReadJsonAsync()).GetProperty("results")[0];
            Assert.Equal("succeeded", entry.GetProperty("outcome").GetString());
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [GeneratedRegex("New signing key (?<kid>[0-9a-zA-Z_-]+) created")]
    private static partial Regex NewKid();
}
