using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using AuthApp.AppHost;

namespace AuthApp.Tests.Unit;

/// <summary>What the AppHost tells the migration worker about the clients it declares (<c>.WithAuthApp(api, …)</c>).</summary>
public sealed class DeclaredClientsTests
{
    [Fact]
    public async Task An_app_that_signs_people_in_is_declared_with_its_own_endpoints_callback_addresses()
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", Path.GetTempFileName()]);
        var api = builder.AddProject("api", "../AuthApp.Api/AuthApp.Api.csproj", launchProfileName: null).WithHttpEndpoint(name: "http");
        builder.AddProject("web", "../web/web.csproj", launchProfileName: null).WithHttpEndpoint(name: "http")
            .WithAuthApp(api, client => client.SignsPeopleIn());
        builder.AddProject("orders", "../orders/orders.csproj", launchProfileName: null).WithHttpEndpoint(name: "http")
            .WithAuthApp(api, client => client.MayCall(api.Resource, "users.read"));
        // A single-page app, run by its own tooling: a public client, with no secret to leak from the browser.
        var spa = builder.AddExecutable("spa", "npm", ".", "run", "dev").WithHttpEndpoint(name: "http", env: "PORT")
            .WithAuthApp(api, client => client.SignsPeopleIn("/callback", "/").AsPublicClient().LetsPeopleSignUp());
        var migrations = builder.AddProject("migrations", "../m/m.csproj", launchProfileName: null).WithDeclaredClients();

        // The one-call way to evaluate a resource's environment as the manifest writes it (its replacement needs a running app).
#pragma warning disable CS0618
        var environment = await migrations.Resource.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
#pragma warning restore CS0618

        Assert.Equal("orders", environment["OAuth__Clients__0__ClientId"]);
        Assert.Equal("users.read", environment["OAuth__Clients__0__Scopes__0"]);
        Assert.DoesNotContain("OAuth__Clients__0__RedirectUris__0", environment.Keys);
        Assert.Equal("spa", environment["OAuth__Clients__1__ClientId"]);
        Assert.Equal("true", environment["OAuth__Clients__1__Public"]);
        Assert.Equal("true", environment["OAuth__Clients__1__AllowSignUp"]);
        Assert.Equal("{spa.bindings.http.url}/callback", environment["OAuth__Clients__1__RedirectUris__0"]);
        Assert.DoesNotContain("OAuth__Clients__1__Secret", environment.Keys);
        Assert.DoesNotContain(builder.Resources, r => r.Name == "spa-client-secret");
#pragma warning disable CS0618
        Assert.DoesNotContain("AuthApp__ClientSecret", (await spa.Resource.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish)).Keys);
#pragma warning restore CS0618
        Assert.Equal("web", environment["OAuth__Clients__2__ClientId"]);
        Assert.Equal("{web.bindings.http.url}/signin-oidc", environment["OAuth__Clients__2__RedirectUris__0"]);
        Assert.Equal("{web.bindings.http.url}/signout-callback-oidc", environment["OAuth__Clients__2__PostLogoutRedirectUris__0"]);
        Assert.Equal("{web-client-secret.value}", environment["OAuth__Clients__2__Secret"]);
        Assert.Equal("false", environment["OAuth__Clients__2__AllowSignUp"]);
        Assert.DoesNotContain("OAuth__Clients__2__Public", environment.Keys);
    }
}
