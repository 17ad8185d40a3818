using AuthApp.Data;
using AuthApp.Data.Passwords;
using AuthApp.MigrationService;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddAuthDatabase();
builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(MigrationWorker.ActivitySource.Name));

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<PasswordHasher>();
builder.Services.AddOptions<SuperuserOptions>().BindConfiguration(SuperuserOptions.Section);
builder.Services.AddHostedService<MigrationWorker>();

builder.Build().Run();
