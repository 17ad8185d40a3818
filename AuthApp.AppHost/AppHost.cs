using AuthApp.AppHost;
using AuthApp.AppHost.Infrastructure;

try
{
    var builder = DistributedApplication.CreateBuilder(args);
    var apiReplicas = ApiReplicas.Parse(builder.Configuration[ApiReplicas.SettingName]);

    // PostgreSQL (database "authdb") and Redis ("cache"), named in AuthApp.Data.ResourceNames: containers, local server
    // programs or existing servers; in a published manifest, containers or connection-string parameters (AuthApp:Publish:Databases).
    var infrastructure = builder.AddAuthInfrastructure();

    // The SMTP server ("mail"): smtp4dev (local program or container) while developing, a real provider's secret connection string when published.
    var mail = builder.AddMailServer(infrastructure);

    // ES256 (the default) seals its private keys with this secret; HS256 (AuthApp:Jwt:SigningAlgorithm=HS256) signs with it:
    // generated once and kept in user secrets, or set as Parameters:jwt-signing-key (the original Django service's
    // SECRET_KEY, to keep its simplejwt consumers validating AuthApp's tokens).
    var jwtSigningKey = builder.AddParameter("jwt-signing-key",
        new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);

    // The move from Django: the original's password pepper (Parameters:django-password-pepper), when set.
    var djangoPepper = builder.AddDjangoPepper();

    var migrations = builder.AddProject<Projects.AuthApp_MigrationService>("migrations")
        .WithReference(infrastructure.Database)
        .WaitFor(infrastructure.Database)
        .WithSuperuserSeed(builder)
        .WithDjangoImport(builder)
        .WithDjangoPepper(djangoPepper)
        .WithDeclaredClients() // every service declared below with .WithAuthApp(api)
        .WithEnvironmentNameInRunMode(builder, "DOTNET_ENVIRONMENT");

    var api = builder.AddProject<Projects.AuthApp_Api>("api")
        .WithReference(infrastructure.Database)
        .WithReference(infrastructure.Cache)
        .WithReference(mail) // no WaitFor: the outbox keeps mail in PostgreSQL until the server answers
        .WithEnvironment("Jwt__SigningKey", jwtSigningKey)
        .WithEmailSettings(builder)
        .WithSigningAlgorithm(builder)
        .WithIssuer(builder)
        .WithPasskeys(builder)
        .WithDjangoPepper(djangoPepper)
        .WithEnvironmentNameInRunMode(builder, "ASPNETCORE_ENVIRONMENT")
        .WithReplicas(apiReplicas)
        .WaitFor(infrastructure.Cache)
        .WaitForCompletion(migrations)
        .WithHttpHealthCheck("/health")
        .WithExternalHttpEndpoints()
        .WithApiReferenceLink(builder);

    // The staff console: staff sign in through AuthApp (a declared client); it calls the API by service discovery,
    // holding the staff member's tokens server-side.
    builder.AddProject<Projects.AuthApp_Admin>("admin")
        .WithConsoleSignIn(api)
        .WithEnvironmentNameInRunMode(builder, "ASPNETCORE_ENVIRONMENT")
        .WithHttpHealthCheck("/health")
        .WithExternalHttpEndpoints()
        .WithUrlForEndpoint("http", url => url.DisplayText = "Staff console");

    // The samples (AuthApp:Samples=true): two services that trust AuthApp through the client integration.
    builder.AddSamples(api);

    // A resource that others wait for and that fails is named in the terminal, with its last error and its logs.
    builder.AddStartupFailureReporter();

    PortPreflight.EnsureFixedPortsAreFree(builder);
    builder.Build().Run();
    return 0;
}
catch (InfrastructureException ex)
{
    Console.Error.WriteLine($"AuthApp.AppHost: {ex.Message}");
    return 1;
}
