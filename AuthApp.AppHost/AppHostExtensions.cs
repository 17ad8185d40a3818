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
    /// Where the links in account mails point (<c>Email:LinkBaseUrl</c>, the front end that posts the token back)
    /// and who sends them (<c>Email:From</c>). Run mode: <c>AuthApp:Email:LinkBaseUrl</c> / <c>AuthApp:Email:From</c>,
    /// the link base defaulting to the API's own address. A published manifest asks the deployer for both.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithEmailSettings(this IResourceBuilder<ProjectResource> api, IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return api
                .WithEnvironment("Email__LinkBaseUrl", builder.AddParameter("email-link-base-url"))
                .WithEnvironment("Email__From", builder.AddParameter("email-from"));
        }
        api = builder.Configuration["AuthApp:Email:LinkBaseUrl"] is { Length: > 0 } linkBase
            ? api.WithEnvironment("Email__LinkBaseUrl", linkBase)
            : api.WithEnvironment("Email__LinkBaseUrl", api.GetEndpoint("http"));
        return builder.Configuration["AuthApp:Email:From"] is { Length: > 0 } from ? api.WithEnvironment("Email__From", from) : api;
    }

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
