using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AuthApp.AppHost.Infrastructure;

/// <summary>A PostgreSQL server run from the machine's own server programs.</summary>
public sealed class LocalPostgresServerResource(string name, string command, string dataRoot, ParameterResource password)
    : ExecutableResource(name, command, dataRoot), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const string SuperUser = "postgres";

    public EndpointReference Endpoint => field ??= new(this, EndpointName);
    public ParameterResource Password { get; } = password;
    public string DataDirectory { get; } = Path.Combine(dataRoot, "postgres");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Endpoint.Property(EndpointProperty.Host)};Port={Endpoint.Property(EndpointProperty.Port)};Username={SuperUser};Password={Password}");
}

/// <summary>A database on a <see cref="LocalPostgresServerResource"/>; created when the server is ready.</summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    public LocalPostgresServerResource Parent { get; } = parent;
    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class LocalPostgresExtensions
{
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string name, LocalServerPrograms programs, string dataRoot)
    {
        var password = builder.AddParameter($"{name}-password", () => LocalDataDirectory.ReadOrCreateSecret(dataRoot, name), secret: true);
        var runAs = UnprivilegedUser.ForPostgresWhenRoot();
        var commandLine = runAs?.Wrap(programs.Postgres) ?? [programs.Postgres];

        var server = new LocalPostgresServerResource(name, commandLine[0], dataRoot, password.Resource);
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, new PostgresQueryHealthCheck(server), failureStatus: null, tags: null));

        return builder.AddResource(server)
            // PostgreSQL reads its port from PGPORT, so Aspire can allocate it. Not behind Aspire's proxy: a stopped
            // server then refuses connections at once instead of leaving them hanging in the proxy.
            .WithEndpoint(name: LocalPostgresServerResource.EndpointName, scheme: "tcp", env: "PGPORT", isProxied: false)
            .WithArgs(commandLine.Skip(1).ToArray())
            .WithArgs("-D", server.DataDirectory, "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=")
            .WithIconName("DatabaseStack")
            .ExcludeFromManifest()
            .OnBeforeResourceStarted(async (resource, @event, ct) =>
            {
                var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(resource);
                await InitializeDataDirectoryAsync(resource, programs, runAs, logger, ct);
            })
            .WithHealthCheck(healthCheckKey);
    }

    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresServerResource> server, string name, string? databaseName = null)
    {
        var database = new LocalPostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        var healthCheckKey = $"{name}_check";
        server.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, new PostgresQueryHealthCheck(database), failureStatus: null, tags: null));

        // A database has no process of its own: it is created, and becomes Running, once its server is ready.
        // Its health check then gates everything that waits for it.
        server.OnResourceReady(async (_, @event, ct) =>
        {
            await CreateDatabaseAsync(database, ct);
            await @event.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database, snapshot => snapshot with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        });

        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [new("database", database.DatabaseName)],
            })
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>Runs initdb once; a data directory that already holds a cluster is kept as it is.</summary>
    private static async Task InitializeDataDirectoryAsync(
        LocalPostgresServerResource server, LocalServerPrograms programs, UnprivilegedUser? runAs, ILogger logger, CancellationToken ct)
    {
        if (File.Exists(Path.Combine(server.DataDirectory, "PG_VERSION")))
        {
            logger.LogInformation("Using the existing PostgreSQL data directory {DataDirectory}", server.DataDirectory);
            return;
        }

        Directory.CreateDirectory(server.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var passwordFile = Path.Combine(server.DataDirectory, "..", $".{server.Name}-initdb-password");
        await File.WriteAllTextAsync(passwordFile, await server.Password.GetValueAsync(ct), ct);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            runAs?.Own(server.DataDirectory);
            runAs?.Own(passwordFile);

            string[] initdb =
            [
                .. runAs?.Wrap(programs.InitDb) ?? [programs.InitDb],
                "-D", server.DataDirectory, "-U", LocalPostgresServerResource.SuperUser,
                "--pwfile", passwordFile, "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
                "-E", "UTF8", "--no-locale",
            ];
            logger.LogInformation("Initialising a new PostgreSQL data directory in {DataDirectory}", server.DataDirectory);
            var (exitCode, output) = await RunAsync(initdb, ct);
            if (exitCode != 0)
            {
                throw new InfrastructureException($"initdb failed with exit code {exitCode}: {output}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static async Task CreateDatabaseAsync(LocalPostgresDatabaseResource database, CancellationToken ct)
    {
        var connectionString = await database.Parent.ConnectionStringExpression.GetValueAsync(ct);
        await using var connection = new NpgsqlConnection($"{connectionString};Database=postgres;Pooling=false");
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database.DatabaseName);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            // Identifiers cannot be parameters; the name comes from the AppHost's code, quoted all the same.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.DatabaseName.Replace("\"", "\"\"")}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyList<string> commandLine, CancellationToken ct)
    {
        var info = new ProcessStartInfo(commandLine[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in commandLine.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }
}

/// <summary>Healthy when a query answers; used for the server and for each database.</summary>
internal sealed class PostgresQueryHealthCheck(IResourceWithConnectionString resource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3 };
            builder.Database ??= "postgres";
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
