using AuthApp.AppHost;
using AuthApp.AppHost.Infrastructure;

try
{
    var builder = DistributedApplication.CreateBuilder(args);

    // PostgreSQL (database "authdb") and Redis ("cache"), named in AuthApp.Data.ResourceNames: containers, local server programs or existing servers.
    var infrastructure = builder.AddAuthInfrastructure();

    // HS256 signing secret: generated once and kept in user secrets, or set as Parameters:jwt-signing-key.
    var jwtSigningKey = builder.AddParameter("jwt-signing-key",
        new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);

    var migrations = builder.AddProject<Projects.AuthApp_MigrationService>("migrations")
        .WithReference(infrastructure.Database)
        .WaitFor(infrastructure.Database)
        .WithSuperuserSeed(builder)
        .WithEnvironment("DOTNET_ENVIRONMENT", builder.Environment.EnvironmentName);

    var api = builder.AddProject<Projects.AuthApp_Api>("api")
        .WithReference(infrastructure.Database)
        .WithReference(infrastructure.Cache)
        .WithEnvironment("Jwt__SigningKey", jwtSigningKey)
        .WithSigningAlgorithm(builder)
        .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
        .WaitFor(infrastructure.Cache)
        .WaitForCompletion(migrations)
        .WithHttpHealthCheck("/health")
        .WithExternalHttpEndpoints()
        .WithApiReferenceLink(builder);

    // The staff console: a client of the API through service discovery, holding staff tokens server-side.
    builder.AddProject<Projects.AuthApp_Admin>("admin")
        .WithReference(api)
        .WaitFor(api)
        .WithEnvironmentNameInRunMode(builder, "ASPNETCORE_ENVIRONMENT")
        .WithHttpHealthCheck("/health")
        .WithExternalHttpEndpoints()
        .WithUrlForEndpoint("http", url => url.DisplayText = "Staff console");

    PortPreflight.EnsureFixedPortsAreFree(builder);
    builder.Build().Run();
    return 0;
}
catch (InfrastructureException ex)
{
    Console.Error.WriteLine($"AuthApp.AppHost: {ex.Message}");
    return 1;
}
