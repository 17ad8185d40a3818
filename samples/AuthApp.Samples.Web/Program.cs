using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

const string RetriedKey = "sample:retried"; // a sign-in started again after a key rotation (below)

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

// Sign-in through AuthApp, as docs/sign-in.md shows it: cookie for this app, OpenID Connect (code + PKCE) to AuthApp.
builder.Services.AddAuthentication(o =>
    {
        o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
    })
    .AddCookie(o => o.Cookie.Name = "sample-web")
    .AddOpenIdConnect(o =>
    {
        o.Authority = builder.Configuration["services:api:https:0"] ?? builder.Configuration["services:api:http:0"];
        o.ClientId = builder.Configuration["AuthApp:ClientId"];
        o.ClientSecret = builder.Configuration["AuthApp:ClientSecret"];
        o.ResponseType = "code";
        o.Scope.Add("email");
        o.Scope.Add("offline_access");
        o.SaveTokens = true;
        o.GetClaimsFromUserInfoEndpoint = true;
        o.MapInboundClaims = false;
        o.TokenValidationParameters.NameClaimType = "preferred_username";
        // The AppHost serves AuthApp over plain HTTP on this machine and says so (Sample:PlainHttpAuthority); anywhere else
        // the discovery document must come over HTTPS.
        o.RequireHttpsMetadata = !builder.Configuration.GetValue<bool>("Sample:PlainHttpAuthority");
        // An ID token signed with a key this app has not read yet (after staff "rotate now") makes the handler re-read
        // AuthApp's keys — at most once per RefreshInterval, 5 minutes by default. Tests that rotate keys shorten it.
        if (builder.Configuration.GetValue<TimeSpan?>("Sample:MetadataRefreshInterval") is { } refresh)
        {
            o.RefreshInterval = refresh;
        }
        // That first sign-in fails; the handler has asked for the keys again. Start it once more: AuthApp's session makes
        // it silent, and the new key is read this time.
        o.Events.OnRemoteFailure = context =>
        {
            if (context.Failure is SecurityTokenSignatureKeyNotFoundException && context.Properties?.Items.ContainsKey(RetriedKey) != true)
            {
                context.HandleResponse();
                context.Response.Redirect("/signin?retry=true");
            }
            return Task.CompletedTask;
        };
    });
builder.Services.AddAuthorization();

// The inventory sample, found by service discovery; the person's own access token goes with each call.
builder.Services.AddHttpClient("inventory", client => client.BaseAddress = new Uri("https+http://inventory"));

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();

app.MapGet("/", async (HttpContext http, IHttpClientFactory clients) =>
{
    if (http.User.Identity?.IsAuthenticated != true)
    {
        return Page("<p id=\"signed-out\">You are not signed in.</p><p><a id=\"sign-in\" href=\"/signin\">Sign in with AuthApp</a></p>");
    }
    var accessToken = await http.GetTokenAsync("access_token");
    using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
    using var response = await clients.CreateClient("inventory").SendAsync(request, http.RequestAborted);
    var inventory = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(http.RequestAborted)}";
    var html = HtmlEncoder.Default;
    return Page($"""
        <p id="hello">Hello, {html.Encode(http.User.Identity.Name ?? "?")}</p>
        <p>The inventory service says: <code id="inventory">{html.Encode(inventory)}</code></p>
        <form method="post" action="/signout"><button id="sign-out" type="submit">Sign out</button></form>
        """);
});

app.MapGet("/signin", (bool? retry) =>
{
    var properties = new AuthenticationProperties { RedirectUri = "/" };
    if (retry == true)
    {
        properties.Items[RetriedKey] = "true"; // once: a second failure is shown, not retried forever
    }
    return Results.Challenge(properties);
});

// Sign out here and at AuthApp (end-session with the ID token as hint), then back to "/".
// (A sample keeps it short: a real app puts an antiforgery token on this form.)
app.MapPost("/signout", () => Results.SignOut(new AuthenticationProperties { RedirectUri = "/" },
    [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]));

app.Run();

static IResult Page(string body) => Results.Content(
    $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sample web</title></head><body><h1>Sample web</h1>{body}</body></html>",
    "text/html; charset=utf-8");
