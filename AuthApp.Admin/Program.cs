using AuthApp.Admin;
using AuthApp.Admin.Api;
using AuthApp.Admin.Components;
using AuthApp.Admin.Sessions;
using Microsoft.FluentUI.AspNetCore.Components;

var builder = WebApplication.CreateBuilder(args);

// Platform: telemetry, health, service discovery and HTTP resilience.
builder.AddServiceDefaults();

// The console: Blazor with interactive server rendering on FluentUI, staff sessions held server-side, the API as typed clients.
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddFluentUIComponents();
builder.Services.AddConsoleSessions(builder.Configuration, builder.Environment);
builder.Services.AddConsoleApi(builder.Configuration);
builder.Services.AddScoped<ApiStatus>();

var app = builder.Build();

// The HTTP pipeline, in order.
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
    app.UseHsts();
    app.UseHttpsRedirection();
}
app.UseConsoleSecurityHeaders();
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.MapStaticAssets();
app.UseAuthentication();
app.UseAuthorization();
app.UseSecondFactorGate(); // Console:RequireSecondFactorForStaff
app.UseAntiforgery();

app.MapDefaultEndpoints();
app.MapConsoleSignOut();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
