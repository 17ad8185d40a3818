using AuthApp.Api.Data;
using AuthApp.Api.Health;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAuthDatabase();
builder.AddRedisClient("cache");
builder.Services.AddProblemDetails();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapApiHealth();

app.Run();
