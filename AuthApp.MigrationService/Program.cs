using AuthApp.Data;
using AuthApp.Data.OAuth;
using AuthApp.Data.Passwords;
using AuthApp.MigrationService;
using AuthApp.MigrationService.DjangoImport;

// Two modes: migrate (and seed, and import from Django when Import:Django:ConnectionString is set), or
// `import-django [--dry-run]`: the import alone.
var importOnly = DjangoImportCommand.IsRequested(args);
var builder = Host.CreateApplicationBuilder(DjangoImportCommand.ConfigurationArguments(args));

builder.AddServiceDefaults();
builder.AddAuthDatabase();
builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(MigrationWorker.ActivitySource.Name));

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddPasswordHasher();
builder.Services.AddOptions<SuperuserOptions>().BindConfiguration(SuperuserOptions.Section);
builder.Services.AddScoped<SuperuserSeeder>();
builder.Services.AddOAuthClientStore();
builder.Services.AddOptions<DeclaredClientsOptions>().BindConfiguration(DeclaredClientsOptions.Section);
builder.Services.AddScoped<ClientSeeder>();
builder.Services.AddDjangoImport();
if (importOnly)
{
    builder.Services.AddHostedService<DjangoImportCommand>();
}
else
{
    builder.Services.AddHostedService<MigrationWorker>();
}

builder.Build().Run();
