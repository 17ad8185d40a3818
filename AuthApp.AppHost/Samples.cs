using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace AuthApp.AppHost;

/// <summary>
/// The samples (<c>AuthApp:Samples=true</c>): one small service run twice. "inventory" protects its routes with
/// AuthApp's tokens; "storefront" is also a client that may call the inventory with the inventory.read scope.
/// Both add the client integration in one line (<c>builder.AddAuthApp("api")</c>); see docs/protect-a-service.md.
/// "web" is a front end people sign in to through AuthApp (docs/sign-in.md), calling the inventory as the person.
/// </summary>
public static class Samples
{
    public const string SettingName = "AuthApp:Samples";

    public static void AddSamples(this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> api)
    {
        if (!string.Equals(builder.Configuration[SettingName], "true", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        var inventory = builder.AddProject<Projects.AuthApp_Samples_Service>("inventory", launchProfileName: null)
            .WithHttpEndpoint()
            .WithAuthApp(api)
            .WithHttpHealthCheck("/health");

        builder.AddProject<Projects.AuthApp_Samples_Service>("storefront", launchProfileName: null)
            .WithHttpEndpoint()
            .WithAuthApp(api, client => client.MayCall(inventory.Resource, "inventory.read"))
            .WithReference(inventory)
            .WithEnvironment("Sample__Peer", inventory.Resource.Name)
            .WithHttpHealthCheck("/health");

        // A web front end people sign in to through AuthApp, calling the inventory with the person's access token.
        builder.AddProject<Projects.AuthApp_Samples_Web>("web", launchProfileName: null)
            .WithHttpEndpoint()
            .WithAuthApp(api, client => client.SignsPeopleIn().LetsPeopleSignUp())
            .WithEnvironment("Sample__PlainHttpAuthority", "true")
            .WithReference(inventory)
            .WithHttpHealthCheck("/health");
    }
}
