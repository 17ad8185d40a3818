using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AuthApp.Tests.Integration;

/// <summary>The console's clients page: the AppHost's clients listed; a client created, its secret rotated, disabled, each audited.</summary>
[Collection(ServiceTrustCollection.Name)]
public sealed class ConsoleClientsTests(ServiceTrustFixture fixture, ChromiumFixture chromium, ITestOutputHelper output)
    : AppHostTest<ServiceTrustFixture>(fixture, output), IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Staff_create_rotate_and_disable_a_client_from_the_clients_page()
    {
        var context = await chromium.Browser.NewConsoleContextAsync(Fixture.Admin.ToString());
        try
        {
            var page = await context.NewPageAsync();
            await page.SignInAtAsync("/clients", AppHostFixture.RootEmail, TestSecrets.SuperuserPassword);
            await Expect(page.Locator("#client-storefront")).ToContainTextAsync("inventory.read");
            await Expect(page.Locator("#client-storefront")).ToContainTextAsync("AppHost");

            var clientId = $"console-{Guid.NewGuid():N}"[..20];
            await page.FillAsync("#client-id", clientId);
            await page.FillAsync("#scopes", "orders.read");
            await page.FillAsync("#audiences", "orders");
            await page.ClickAsync("#create-client");
            await Expect(page.Locator("#new-secret")).ToBeVisibleAsync();
            var created = new TestClient(clientId, await page.Locator("#new-secret").InnerTextAsync());
            await Api.ClientTokenAsync(created, "orders.read");
            await ChromiumFixture.ScreenshotAsync(page, "console-clients");

            var row = page.Locator($"#client-{clientId}");
            await row.GetByRole(AriaRole.Button, new() { Name = $"Rotate the secret of {clientId}" }).ClickAsync();
            await page.ConfirmAsync("Rotate");
            await Expect(page.Locator(".done")).ToContainTextAsync("rotated");
            var rotated = created with { Secret = await page.Locator("#new-secret").InnerTextAsync() };
            Assert.NotEqual(created.Secret, rotated.Secret);
            using (var old = await Api.RequestTokenAsync(created))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
            }
            await Api.ClientTokenAsync(rotated);

            await row.GetByRole(AriaRole.Button, new() { Name = $"Disable {clientId}" }).ClickAsync();
            await page.ConfirmAsync("Disable");
            await Expect(row).ToContainTextAsync("Disabled");
            using (var refused = await Api.RequestTokenAsync(rotated))
            {
                Assert.Equal("invalid_client", (await refused.ReadJsonAsync()).GetProperty("error").GetString());
            }

            using var audit = await Api.GetAsync($"/api/v1/admin/audit?limit=10", await Fixture.RootAccessTokenAsync());
            var actions = (await audit.ReadJsonAsync()).GetProperty("results").EnumerateArray()
                .Where(e => e.GetProperty("subject").GetString() == clientId).Select(e => e.GetProperty("action").GetString()).ToList();
            Assert.Equal(["client.disable", "client.rotate_secret", "client.create"], actions);
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
