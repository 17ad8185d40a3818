using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace AuthApp.AppHost;

public static class AppHostExtensions
{
    /// <summary>
    /// Django's <c>createsuperuser</c>: when <c>AuthApp:Superuser:Email</c> and the secret parameter
    /// <c>superuser-password</c> are configured, the migration worker creates (or keeps) that account.
    /// In a published manifest the e-mail is enough: the password is a secret parameter the deployer asks for.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSuperuserSeed(this IResourceBuilder<ProjectResource> migrations, IDistributedApplicationBuilder builder)
    {
        var email = builder.Configuration["AuthApp:Superuser:Email"];
        var passwordKnown = !string.IsNullOrWhiteSpace(builder.Configuration["Parameters:superuser-password"]);
        if (string.IsNullOrWhiteSpace(email) || (builder.ExecutionContext.IsRunMode && !passwordKnown))
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
    /// The move from the original Django service: when the secret parameter <c>django-db</c> (a PostgreSQL connection
    /// string to the original's database) is set, the migration worker imports its users after the migrations.
    /// Unset, there is no import and no such parameter in the manifest.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDjangoImport(this IResourceBuilder<ProjectResource> migrations, IDistributedApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["Parameters:django-db"]))
        {
            return migrations;
        }
        var source = builder.AddParameter("django-db", secret: true);
        return migrations.WithEnvironment("Import__Django__ConnectionString", source);
    }

    /// <summary>
    /// The original's <c>PASSWORD_PEPPER</c> as the secret parameter <c>django-password-pepper</c>, when it is set; null otherwise
    /// (and no such parameter in the manifest).
    /// </summary>
    public static IResourceBuilder<ParameterResource>? AddDjangoPepper(this IDistributedApplicationBuilder builder) =>
        string.IsNullOrEmpty(builder.Configuration["Parameters:django-password-pepper"])
            ? null
            : builder.AddParameter("django-password-pepper", secret: true);

    /// <summary>The API verifies imported Django hashes with the pepper; the migration worker only reports that it is configured.</summary>
    public static IResourceBuilder<ProjectResource> WithDjangoPepper(this IResourceBuilder<ProjectResource> service, IResourceBuilder<ParameterResource>? pepper) =>
        pepper is null ? service : service.WithEnvironment("Passwords__Django__Pepper", pepper);

    /// <summary>
    /// ES256 by default: rotating key pairs, public keys at /.well-known/jwks.json, so services validate tokens without
    /// holding any secret. <c>AuthApp:Jwt:SigningAlgorithm</c> = HS256 is the explicit choice for living beside the
    /// original Django service's simplejwt consumers, which validate with the shared secret (and could mint tokens).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSigningAlgorithm(this IResourceBuilder<ProjectResource> api, IDistributedApplicationBuilder builder) =>
        api.WithEnvironment("Jwt__SigningAlgorithm", SigningAlgorithm(builder));

    private static string SigningAlgorithm(IDistributedApplicationBuilder builder) =>
        builder.Configuration["AuthApp:Jwt:SigningAlgorithm"] is { Length: > 0 } algorithm ? algorithm : "ES256";

    /// <summary>
    /// The staff console signs staff in through AuthApp's sign-in pages as a declared client (OpenID Connect). With a shared
    /// HS256 secret AuthApp cannot sign ID tokens an app could check, so the console then keeps its own password form.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithConsoleSignIn(this IResourceBuilder<ProjectResource> console,
        IResourceBuilder<ProjectResource> api) =>
        string.Equals(SigningAlgorithm(console.ApplicationBuilder), "HS256", StringComparison.OrdinalIgnoreCase)
            ? console.WithReference(api).WaitFor(api).WithEnvironment("Console__SignIn__Mode", "Password")
            : console.WithAuthApp(api, client => client.SignsPeopleIn());

    /// <summary>
    /// The tokens' <c>iss</c> and the discovery document's <c>issuer</c>: <c>AuthApp:Issuer</c> when set (a deployment's
    /// own domain), otherwise the API's endpoint as the AppHost (or the published environment) exposes it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithIssuer(this IResourceBuilder<ProjectResource> api, IDistributedApplicationBuilder builder) =>
        builder.Configuration["AuthApp:Issuer"] is { Length: > 0 } issuer
            ? api.WithEnvironment("Jwt__Issuer", issuer)
            : api.WithEnvironment("Jwt__Issuer", api.GetEndpoint("http"));

    /// <summary>
    /// Passkeys' relying party: <c>AuthApp:Passkeys:RelyingPartyId</c> and <c>AuthApp:Passkeys:Origin</c> when set (a
    /// deployment's domain and the public origin of its sign-in pages); otherwise, when run here, localhost and the API's
    /// own endpoint, where its pages are. A published app without them has passkeys off.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPasskeys(this IResourceBuilder<ProjectResource> api, IDistributedApplicationBuilder builder)
    {
        if (builder.Configuration["AuthApp:Passkeys:RelyingPartyId"] is { Length: > 0 } rpId
            && builder.Configuration["AuthApp:Passkeys:Origin"] is { Length: > 0 } origin)
        {
            return api.WithEnvironment("Passkeys__RelyingPartyId", rpId).WithEnvironment("Passkeys__Origins__0", origin);
        }
        return builder.ExecutionContext.IsRunMode
            ? api.WithEnvironment("Passkeys__RelyingPartyId", "localhost").WithEnvironment("Passkeys__Origins__0", api.GetEndpoint("http"))
            : api;
    }

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
        if (!builder.ExecutionContext.IsRunMode || !builder.Environment.IsDevelopment())
        {
            return api;
        }
        return api.WithUrlForEndpoint("http", url => url.DisplayText = "API")
            .WithUrl($"{api.GetEndpoint("http")}/scalar", "API reference (Scalar)");
    }
}
