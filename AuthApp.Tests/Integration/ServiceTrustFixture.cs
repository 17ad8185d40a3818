using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace AuthApp.Tests.Integration;

/// <summary>
/// The app as a team runs it with services of its own: ES256 (the AppHost's default), the issuer left to the AppHost
/// (the API's URL), and the samples — "inventory" and "storefront", each an AuthApp client through the client
/// integration, storefront allowed to call inventory with the inventory.read scope — and "web", a front end people sign
/// in to through AuthApp.
/// </summary>
public sealed class ServiceTrustFixture : AppHostFixture
{
    public static readonly TestClient Inventory = new("inventory", "inventory-secret-0123456789abcdef0123456789abcdef");
    public static readonly TestClient Storefront = new("storefront", "storefront-secret-0123456789abcdef0123456789abcdef");
    public static readonly TestClient Web = new("web", "web-secret-0123456789abcdef0123456789abcdef0123");

    protected override string[] ExtraArguments =>
    [
        "AuthApp:Jwt:SigningAlgorithm=ES256",
        "AuthApp:Issuer=",
        "AuthApp:Samples=true",
        $"Parameters:inventory-client-secret={Inventory.Secret}",
        $"Parameters:storefront-client-secret={Storefront.Secret}",
        $"Parameters:web-client-secret={Web.Secret}",
    ];

    public HttpClient InventoryClient { get; private set; } = null!;
    public HttpClient StorefrontClient { get; private set; } = null!;

    /// <summary>The issuer the AppHost gave the API: its own endpoint.</summary>
    public string Issuer => new Uri(App.GetEndpoint("api", "http"), "/").AbsoluteUri;

    protected override void ConfigureApi(IResourceBuilder<ProjectResource> api) =>
        api.WithEnvironment("Jwt__KeyRefreshInterval", "00:00:02");

    protected override void ConfigureApp(IDistributedApplicationTestingBuilder builder)
    {
        // Tests rotate keys seconds apart; the samples may re-read the key set every second (10 s by default).
        foreach (var sample in new[] { "inventory", "storefront" })
        {
            builder.CreateResourceBuilder<ProjectResource>(sample).WithEnvironment("AuthApp__KeySetRefreshInterval", "00:00:01");
        }
        // …and the apps that check ID tokens, whatever test rotated a key before they sign someone in.
        builder.CreateResourceBuilder<ProjectResource>("web").WithEnvironment("Sample__MetadataRefreshInterval", "00:00:01");
        builder.CreateResourceBuilder<ProjectResource>("admin").WithEnvironment("Console__SignIn__MetadataRefreshInterval", "00:00:01");
    }

    protected override async Task AfterStartAsync(CancellationToken ct)
    {
        await App.ResourceNotifications.WaitForResourceHealthyAsync("inventory", ct);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("storefront", ct);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("web", ct);
        InventoryClient = App.CreateHttpClient("inventory", "http");
        StorefrontClient = App.CreateHttpClient("storefront", "http");
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServiceTrustCollection : ICollectionFixture<ServiceTrustFixture>
{
    public const string Name = "AppHost with services";
}
