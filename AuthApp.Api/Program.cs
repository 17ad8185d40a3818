using AuthApp.Api.Admin;
using AuthApp.Api.Audit;
using AuthApp.Api.Auth;
using AuthApp.Api.Email;
using AuthApp.Api.Factors;
using AuthApp.Api.Health;
using AuthApp.Api.OAuth;
using AuthApp.Api.Passwords;
using AuthApp.Api.Recovery;
using AuthApp.Api.Sessions;
using AuthApp.Api.SignIn;
using AuthApp.Api.Throttling;
using AuthApp.Api.Tokens;
using AuthApp.Api.Users;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

// Platform: telemetry, health, service discovery; PostgreSQL (EF Core) and Redis through Aspire integrations.
builder.AddServiceDefaults();
builder.AddDataStores();
builder.AddHttpContract();
builder.AddForwardedClient();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ApiTelemetry>();

// Features: each folder registers its own services and options (validated at start) and maps its own routes.
builder.Services
    .AddPasswords()
    .AddThrottling()
    .AddTokens(builder.Configuration)
    .AddEmail()
    .AddUsers()
    .AddRecovery()
    .AddAuth()
    .AddUserSessions()
    .AddFactors(builder.Configuration)
    .AddAudit()
    .AddAdmin()
    .AddOAuth(builder.Configuration, builder.Environment);
var signIn = SignInFeature.IsServed(builder.Configuration); // people's sign-in needs the ES256 key ring
if (signIn)
{
    builder.Services.AddSignIn(builder.Configuration, builder.Environment);
}

var app = builder.Build();

// The HTTP pipeline, in order.
app.UseForwardedClient();
app.UseSecurityHeaders();
app.UseHttpsOutsideDevelopment();
app.UseExceptionHandler();
app.UseStatusCodePages();
if (signIn)
{
    app.UseStaticFiles(); // the sign-in pages' stylesheet
}
app.UseCors();
app.UseOpenIddictEndpoints(); // OpenIddict's endpoints, asked only about requests to their paths
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapOpenApi();
if (app.Environment.IsDevelopment())
{
    app.MapScalarApiReference();
}
app.MapApiHealth();
app.MapAuth();
app.MapUserSessions();
app.MapFactors();
app.MapUsers();
app.MapRecovery();
app.MapAdmin();
app.MapAudit();
app.MapTokens();
app.MapOAuth();
if (signIn)
{
    app.MapSignIn();
}

app.Run();
