using AuthApp.Data;

namespace AuthApp.AppHost.Infrastructure;

/// <summary>Where PostgreSQL and Redis come from (docs/configuration.md).</summary>
public enum InfrastructureMode
{
    Auto,
    Containers,
    Local,
    External,
}

/// <summary>The mode the AppHost will use, and the reason it was chosen (logged at start).</summary>
public sealed record InfrastructureChoice(InfrastructureMode Mode, string Reason, LocalServerPrograms? LocalPrograms = null);

/// <summary>A configuration or machine problem the user must fix; the AppHost prints the message and exits.</summary>
public sealed class InfrastructureException(string message) : Exception(message);

/// <summary>
/// Turns the <c>AuthApp:Infrastructure</c> setting into a concrete mode. The probes are passed in
/// so that the decision can be tested without Docker or PostgreSQL on the machine.
/// </summary>
public static class InfrastructureModeResolver
{
    public const string SettingName = "AuthApp:Infrastructure";

    private const string WaysOut =
        "Install Docker or Podman (AuthApp:Infrastructure=containers), install PostgreSQL and Redis server programs " +
        "(e.g. 'apt-get install postgresql redis-server', AuthApp:Infrastructure=local), or point at existing servers with " +
        "ConnectionStrings:authdb and ConnectionStrings:cache (AuthApp:Infrastructure=external).";

    public static InfrastructureMode Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return InfrastructureMode.Auto;
        }

        return value.Trim().ToLowerInvariant() switch
        {
            "auto" => InfrastructureMode.Auto,
            "containers" or "container" => InfrastructureMode.Containers,
            "local" => InfrastructureMode.Local,
            "external" => InfrastructureMode.External,
            _ => throw new InfrastructureException(
                $"Unknown {SettingName} value '{value}'. Use one of: auto, containers, local, external."),
        };
    }

    public static InfrastructureChoice Resolve(
        string? configuredValue,
        bool isPublishMode,
        Func<bool> containerRuntimeAnswers,
        Func<LocalServerPrograms?> findLocalPrograms,
        Func<string, string?> connectionString,
        PublishedDatabases publishedDatabases = PublishedDatabases.Containers)
    {
        var requested = Parse(configuredValue);

        // A manifest is deployed somewhere else (azd), whatever this machine has: the servers are containers
        // there, or managed servers whose connection strings the deployer asks for.
        if (isPublishMode)
        {
            return publishedDatabases == PublishedDatabases.ConnectionStrings
                ? new(InfrastructureMode.External,
                    $"publish mode, {PublishedDatabasesSetting.SettingName}=connection-strings: authdb and cache are secret connection-string parameters")
                : new(InfrastructureMode.Containers, $"publish mode, {PublishedDatabasesSetting.SettingName}=containers");
        }

        switch (requested)
        {
            case InfrastructureMode.Containers:
                return new(InfrastructureMode.Containers, $"{SettingName}=containers");

            case InfrastructureMode.Local:
                var programs = findLocalPrograms() ?? throw new InfrastructureException(
                    $"{SettingName}=local, but the PostgreSQL and Redis server programs were not found " +
                    $"(looked on PATH and in {string.Join(", ", LocalServerDiscovery.PostgresSearchPatterns)}). " +
                    "Install them with 'apt-get install postgresql redis-server' or choose another mode.");
                return new(InfrastructureMode.Local, $"{SettingName}=local", programs);

            case InfrastructureMode.External:
                var missing = new[] { ResourceNames.Database, ResourceNames.Cache }.Where(n => string.IsNullOrWhiteSpace(connectionString(n))).ToList();
                if (missing.Count > 0)
                {
                    throw new InfrastructureException(
                        $"{SettingName}=external needs {string.Join(" and ", missing.Select(n => $"ConnectionStrings:{n}"))}; " +
                        "set them in configuration, user secrets or environment variables (ConnectionStrings__authdb, ConnectionStrings__cache).");
                }
                return new(InfrastructureMode.External, $"{SettingName}=external");

            default:
                if (containerRuntimeAnswers())
                {
                    return new(InfrastructureMode.Containers, "auto: a container runtime answered");
                }

                var found = findLocalPrograms();
                if (found is not null)
                {
                    return new(InfrastructureMode.Local,
                        $"auto: no container runtime answered; found PostgreSQL in {found.PostgresBinDirectory} and {found.RedisServer}", found);
                }

                throw new InfrastructureException(
                    "No container runtime answered and no local PostgreSQL/Redis server programs were found. " + WaysOut);
        }
    }
}
