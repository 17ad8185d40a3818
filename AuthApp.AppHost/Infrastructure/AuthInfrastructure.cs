using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace AuthApp.AppHost.Infrastructure;

/// <summary>The two things every service needs, whichever mode provides them.</summary>
public sealed record AuthInfrastructure(
    InfrastructureChoice Choice,
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Cache);

public static class AuthInfrastructureExtensions
{
    public const string DatabaseName = "authdb";
    public const string CacheName = "cache";

    /// <summary>Adds PostgreSQL (database <c>authdb</c>) and Redis (<c>cache</c>) the way <c>AuthApp:Infrastructure</c> says.</summary>
    public static AuthInfrastructure AddAuthInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var choice = InfrastructureModeResolver.Resolve(
            builder.Configuration[InfrastructureModeResolver.SettingName],
            builder.ExecutionContext.IsPublishMode,
            containerRuntimeAnswers: () => ContainerRuntimeProbe.Answers(TimeSpan.FromSeconds(5)),
            findLocalPrograms: LocalServerDiscovery.Find,
            connectionString: builder.Configuration.GetConnectionString);
        Console.WriteLine($"AuthApp infrastructure: {choice.Mode.ToString().ToLowerInvariant()} ({choice.Reason})");

        return choice.Mode switch
        {
            InfrastructureMode.Containers => AddContainers(builder, choice),
            InfrastructureMode.Local => AddLocal(builder, choice),
            InfrastructureMode.External => new(choice,
                builder.AddConnectionString(DatabaseName),
                builder.AddConnectionString(CacheName)),
            _ => throw new InfrastructureException($"Unhandled infrastructure mode {choice.Mode}."),
        };
    }

    private static AuthInfrastructure AddContainers(IDistributedApplicationBuilder builder, InfrastructureChoice choice)
    {
        var postgres = builder.AddPostgres("postgres");
        if (builder.ExecutionContext.IsRunMode)
        {
            postgres.WithDataVolume();
        }
        return new(choice, postgres.AddDatabase(DatabaseName), builder.AddRedis(CacheName));
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
        var database = builder.AddLocalPostgres("postgres", programs, dataRoot).AddDatabase(DatabaseName);
        var cache = builder.AddLocalRedis(CacheName, programs, dataRoot);
        return new(choice, database, cache);
    }
}
