namespace AuthApp.AppHost.Infrastructure;

/// <summary>What a published manifest deploys for PostgreSQL and Redis (<c>AuthApp:Publish:Databases</c>).</summary>
public enum PublishedDatabases
{
    /// <summary>PostgreSQL and Redis as containers beside the services (the default).</summary>
    Containers,

    /// <summary>
    /// No servers: <c>authdb</c> and <c>cache</c> become secret connection-string parameters, so the
    /// deployer (azd) asks for the connection strings of managed servers.
    /// </summary>
    ConnectionStrings,
}

public static class PublishedDatabasesSetting
{
    public const string SettingName = "AuthApp:Publish:Databases";

    public static PublishedDatabases Parse(string? value) =>
        value?.Trim().ToLowerInvariant() switch
        {
            null or "" or "containers" => PublishedDatabases.Containers,
            "connection-strings" => PublishedDatabases.ConnectionStrings,
            _ => throw new InfrastructureException(
                $"Unknown {SettingName} value '{value}'. Set {SettingName} to containers (the default) or connection-strings."),
        };
}
