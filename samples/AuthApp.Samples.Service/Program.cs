using System.Security.Claims;
using AuthApp.Client;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

// The whole integration: AuthApp's tokens accepted (users' and services'), logouts seen within a second.
// (Sample:PlainJwtBearer=true swaps in a stock JwtBearer without revocation awareness, for bench/service-trust.sh.)
if (builder.Configuration.GetValue<bool>("Sample:PlainJwtBearer"))
{
    builder.Services.AddAuthentication().AddJwtBearer(options =>
    {
        options.Authority = builder.Configuration["AuthApp:Authority"];
        options.Audience = "authapp-clients";
        options.RequireHttpsMetadata = false;
        options.MapInboundClaims = false;
    });
}
else
{
    builder.AddAuthApp("api");
}

// Calls to the peer service carry this service's own token (client credentials), cached and renewed.
var peer = builder.Configuration["Sample:Peer"];
builder.Services.AddHttpClient("peer", client => client.BaseAddress = new Uri($"https+http://{peer ?? "self"}"))
    .AddAuthAppClientCredentials();

builder.Services.AddAuthorizationBuilder()
    .AddPolicy("read", policy => policy.RequireAssertion(c => IsUser(c.User) || HasScope(c.User, "inventory.read")))
    .AddPolicy("write", policy => policy.RequireScope("inventory.write"));

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();

// Who is calling: a person (their AuthApp user id and name) or a service (its client id and scopes).
app.MapGet("/whoami", (ClaimsPrincipal user) => Describe(user)).RequireAuthorization();

// A resource users may read and services may read with the inventory.read scope.
app.MapGet("/items", (ClaimsPrincipal user) => new { items = new[] { "bolt", "nut", "washer" }, caller = Describe(user) })
    .RequireAuthorization("read");

// Needs a scope no declared client has: a service's token is refused with 403.
app.MapPost("/items", () => Results.NoContent()).RequireAuthorization("write");

// Calls the peer's /items with this service's own token (how the storefront reads the inventory).
app.MapGet("/peer/items", async (IHttpClientFactory http, CancellationToken ct) =>
{
    using var response = await http.CreateClient("peer").GetAsync("/items", ct);
    return Results.Json(new { status = (int)response.StatusCode, body = await response.Content.ReadAsStringAsync(ct) });
}).RequireAuthorization();

// The same call, writing: the peer refuses it for want of a scope.
app.MapPost("/peer/items", async (IHttpClientFactory http, CancellationToken ct) =>
{
    using var response = await http.CreateClient("peer").PostAsync("/items", null, ct);
    return Results.Json(new { status = (int)response.StatusCode });
}).RequireAuthorization();

// How many tokens this process obtained from AuthApp (the samples' tests check one serves many calls).
app.MapGet("/peer/tokens-obtained", ([Microsoft.AspNetCore.Mvc.FromServices] ClientCredentialsTokens tokens) => new { obtained = tokens.Obtained }).RequireAuthorization();

app.Run();

static bool IsUser(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true && user.FindFirst("user_id") is not null;

static bool HasScope(ClaimsPrincipal user, string scope) =>
    user.FindFirst("scope")?.Value.Split(' ').Contains(scope) == true;

static object Describe(ClaimsPrincipal user) => IsUser(user)
    ? new { kind = "user", id = user.FindFirst("sub")?.Value, username = user.FindFirst("username")?.Value, scopes = Array.Empty<string>() }
    : new { kind = "service", id = user.FindFirst("client_id")?.Value, username = (string?)null,
        scopes = user.FindFirst("scope")?.Value.Split(' ') ?? [] };
