using Aspire.Hosting.ApplicationModel;
using AuthApp.Data;
using Microsoft.Extensions.Configuration;

namespace AuthApp.AppHost.Infrastructure;

/// <summary>The two things every service needs, whichever mode provides them, and that mode.</summary>
public sealed record AuthInfrastructure(
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Cache)
{
    public InfrastructureMode Mode { get; init; }
}

public static class AuthInfrastructureExtensions
{
    /// <summary>
    /// Adds PostgreSQL (database <c>authdb</c>) and Redis (<c>cache</c>) the way <c>AuthApp:Infrastructure</c> says;
    /// in publish mode, the way <c>AuthApp:Publish:Databases</c> says.
    /// </summary>
    public static AuthInfrastructure AddAuthInfrastructure(this IDistributedApplicationBuilder builder)
    {
        // Parsed in run mode too, so that a mistyped value stops the AppHost before anyone publishes with it.
        var publishedDatabases = PublishedDatabasesSetting.Parse(builder.Configuration[PublishedDatabasesSetting.SettingName]);
        var choice = InfrastructureModeResolver.Resolve(
            builder.Configuration[InfrastructureModeResolver.SettingName],
            builder.ExecutionContext.IsPublishMode,
            containerRuntimeAnswers: () => ContainerRuntimeProbe.Answers(TimeSpan.FromSeconds(5)),
            findLocalPrograms: LocalServerDiscovery.Find,
            connectionString: builder.Configuration.GetConnectionString,
            publishedDatabases);
        Console.WriteLine($"AuthApp infrastructure: {choice.Mode.ToString().ToLowerInvariant()} ({choice.Reason})");

        AuthInfrastructure infrastructure = choice.Mode switch
        {
            InfrastructureMode.Containers => AddContainers(builder),
            InfrastructureMode.Local => AddLocal(builder, choice),
            InfrastructureMode.External => new(
                builder.AddConnectionString(ResourceNames.Database),
                builder.AddConnectionString(ResourceNames.Cache)),
            _ => throw new InfrastructureException($"Unhandled infrastructure mode {choice.Mode}."),
        };
        return infrastructure with { Mode = choice.Mode };
    }

    private static AuthInfrastructure AddContainers(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres");
        if (builder.ExecutionContext.IsRunMode)
        {
            postgres.WithDataVolume();
        }
        return new(postgres.AddDatabase(ResourceNames.Database), builder.AddRedis(ResourceNames.Cache));
    }

    private static AuthInfrastructure AddLocal(IDistributedApplicationBuilder builder, InfrastructureChoice choice)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new InfrastructureException("AuthApp:Infrastructure=local runs server programs the Unix way; on Windows use containers or external.");
        }
        var programs = choice.LocalPrograms!;
        var dataRoot = LocalDataDirectory.Resolve(builder.Configuration[LocalDataDirectory.SettingName], builder.AppHostDirectory);
        Console.WriteLine($"AuthApp local data: {dataRoot}");
        var database = builder.AddLocalPostgres("postgres", programs, dataRoot).AddDatabase(ResourceNames.Database);
        var cache = builder.AddLocalRedis(ResourceNames.Cache, programs, dataRoot);
        return new(database, cache);
    }
}
