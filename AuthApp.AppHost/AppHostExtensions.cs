using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace AuthApp.AppHost;

public static class AppHostExtensions
{
    /// <summary>
    /// Django's <c>createsuperuser</c>: when <c>AuthApp:Superuser:Email</c> and the secret parameter
    /// <c>superuser-password</c> are configured, the migration worker creates (or keeps) that account.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSuperuserSeed(this IResourceBuilder<ProjectResource> migrations, IDistributedApplicationBuilder builder)
    {
        var email = builder.Configuration["AuthApp:Superuser:Email"];
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrWhiteSpace(builder.Configuration["Parameters:superuser-password"]))
        {
            return migrations;
        }

        var password = builder.AddParameter("superuser-password", secret: true);
        return migrations
            .WithEnvironment("Superuser__Email", email)
            .WithEnvironment("Superuser__Username", builder.Configuration["AuthApp:Superuser:Username"] ?? "superuser")
            .WithEnvironment("Superuser__Password", password);
    }

    /// <summary>
    /// <c>AuthApp:Jwt:SigningAlgorithm</c> = ES256 switches the API to rotating asymmetric keys with a JWKS;
    /// unset, the API's default (HS256 with the jwt-signing-key secret) applies.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSigningAlgorithm(this IResourceBuilder<ProjectResource> api, IDistributedApplicationBuilder builder) =>
        builder.Configuration["AuthApp:Jwt:SigningAlgorithm"] is { Length: > 0 } algorithm
            ? api.WithEnvironment("Jwt__SigningAlgorithm", algorithm)
            : api;

    /// <summary>
    /// The AppHost's own environment (Development, from its launch profile) for a service it runs here.
    /// Not in a published manifest: the AppHost's environment says nothing about the one it is deployed to,
    /// and a service with no environment set runs as Production.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithEnvironmentNameInRunMode(this IResourceBuilder<ProjectResource> project,
        IDistributedApplicationBuilder builder, string variable) =>
        builder.ExecutionContext.IsRunMode
            ? project.WithEnvironment(variable, builder.Environment.EnvironmentName)
            : project;

    /// <summary>Links the interactive API reference from the dashboard (it is served in Development only).</summary>
    public static IResourceBuilder<ProjectResource> WithApiReferenceLink(this IResourceBuilder<ProjectResource> api, IDistributedApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            return api;
        }
        return api.WithUrlForEndpoint("http", url => url.DisplayText = "API")
            .WithUrl($"{api.GetEndpoint("http")}/scalar", "API reference (Scalar)");
    }
}
