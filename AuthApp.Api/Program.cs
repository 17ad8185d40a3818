using AuthApp.Api.Admin;
using AuthApp.Api.Auth;
using AuthApp.Api.Common;
using AuthApp.Api.Data;
using AuthApp.Api.Health;
using AuthApp.Api.Passwords;
using AuthApp.Api.Throttling;
using AuthApp.Api.Tokens;
using AuthApp.Api.Tokens.Keys;
using AuthApp.Api.Users;
using Microsoft.AspNetCore.HttpOverrides;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

// Platform: telemetry, health, service discovery; PostgreSQL (EF Core) and Redis through Aspire integrations.
builder.AddServiceDefaults();
builder.AddAuthDatabase();
builder.AddRedisClient("cache");
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = 64 * 1024;
});

// HTTP contract: snake_case JSON, problem details for every error, OpenAPI.
builder.Services.ConfigureHttpJsonOptions(json =>
{
    json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
    json.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
    json.SerializerOptions.MaxDepth = 16;
    json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
});
// Bad bodies throw, so that ApiExceptionHandler answers them with a problem (not an empty 400).
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.AddApiProblemDetails();
builder.Services.AddApiDocument();
builder.Services.AddApiCors(builder.Configuration);

// Features.
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ApiTelemetry>();
builder.Services.AddPasswords();
builder.Services.AddThrottling();
builder.Services.AddJwtAuthentication(builder.Configuration);
builder.Services.AddOptions<UserCacheOptions>().BindConfiguration(UserCacheOptions.Section);
builder.Services.AddScoped<UserCache>();
builder.Services.AddScoped<UserService>();
builder.Services.AddScoped<AuthService>();
builder.Services.AddScoped<AdminService>();

// The client address (rate limits, logs) comes from X-Forwarded-For when the peer is a proxy on this host:
// Aspire's endpoint proxy in development, a sidecar or same-host reverse proxy in production.
builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
    forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);

var app = builder.Build();

app.UseForwardedHeaders();
app.UseSecurityHeaders();
app.UseHttpsOutsideDevelopment();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCors();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapApiHealth();
app.MapJwks();
app.MapOpenApi();
if (app.Environment.IsDevelopment())
{
    app.MapScalarApiReference();
}

app.MapGroup("/api/v1")
    .MapAuthEndpoints()
    .MapUserEndpoints()
    .MapAdminEndpoints()
    .MapSigningKeyEndpoints();

app.Run();
