using Aspire.Hosting.ApplicationModel;
using AuthApp.Data;
using Microsoft.Extensions.Configuration;

namespace AuthApp.AppHost.Infrastructure;

/// <summary>
/// Where the <c>mail</c> resource (the API's SMTP server, <c>ConnectionStrings:mail</c>) comes from:
/// smtp4dev as a local program or as a container while developing, a real provider's secret connection
/// string in a published manifest or whenever <c>ConnectionStrings:mail</c> is configured.
/// The connection string has the form <c>Endpoint=smtp://host:port</c> (see docs/account-recovery.md for the other keys).
/// </summary>
public static class MailServerExtensions
{
    public const string Smtp4devImage = "rnwood/smtp4dev";
    public const string Smtp4devImageTag = "v3";
    public const string HttpEndpointName = "http";
    public const string SmtpEndpointName = "smtp";

    public static IResourceBuilder<IResourceWithConnectionString> AddMailServer(this IDistributedApplicationBuilder builder, AuthInfrastructure infrastructure)
    {
        // A deployment sends real mail: the deployer gives the provider's connection string as a secret.
        // While developing, a configured connection string wins too (to try a real provider locally).
        if (builder.ExecutionContext.IsPublishMode || !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(ResourceNames.Mail)))
        {
            return builder.AddConnectionString(ResourceNames.Mail);
        }
        if (infrastructure.Mode == InfrastructureMode.Containers)
        {
            return builder.AddSmtp4devContainer(ResourceNames.Mail);
        }
        if (infrastructure.Mode == InfrastructureMode.Local && !OperatingSystem.IsWindows())
        {
            return builder.AddLocalSmtp4dev(ResourceNames.Mail,
                LocalDataDirectory.Resolve(builder.Configuration[LocalDataDirectory.SettingName], builder.AppHostDirectory));
        }
        throw new InfrastructureException(
            $"{InfrastructureModeResolver.SettingName}=external needs ConnectionStrings:{ResourceNames.Mail} too " +
            "(e.g. ConnectionStrings__mail=\"Endpoint=smtp://smtp.example.com:587;Username=…;Password=…\").");
    }

    /// <summary>What the API reads: <c>Endpoint=smtp://host:port</c>, the form Aspire's MailKit integrations use.</summary>
    public static ReferenceExpression SmtpConnectionString(EndpointReference smtp) => ReferenceExpression.Create(
        $"Endpoint=smtp://{smtp.Property(EndpointProperty.Host)}:{smtp.Property(EndpointProperty.Port)}");

    private static IResourceBuilder<IResourceWithConnectionString> AddSmtp4devContainer(this IDistributedApplicationBuilder builder, string name)
    {
        var smtp4dev = new Smtp4devContainerResource(name);
        return builder.AddResource(smtp4dev)
            .WithImage(Smtp4devImage, Smtp4devImageTag)
            .WithHttpEndpoint(targetPort: 80, name: HttpEndpointName)
            .WithEndpoint(targetPort: 25, name: SmtpEndpointName, scheme: "tcp")
            .WithEnvironment("ServerOptions__HostName", "localhost")
            .WithEnvironment("ServerOptions__NumberOfMessagesToKeep", "1000")
            .WithUrlForEndpoint(HttpEndpointName, url => url.DisplayText = "Inbox (smtp4dev)")
            .WithHttpHealthCheck("/", endpointName: HttpEndpointName);
    }
}

/// <summary>smtp4dev's container image (containers mode).</summary>
public sealed class Smtp4devContainerResource(string name) : ContainerResource(name), IResourceWithConnectionString
{
    public EndpointReference Smtp => field ??= new(this, MailServerExtensions.SmtpEndpointName);

    public ReferenceExpression ConnectionStringExpression => MailServerExtensions.SmtpConnectionString(Smtp);
}
