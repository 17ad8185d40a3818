// ASP.NET Core Identity as shipped, for bench/compare.sh: MapIdentityApi with bearer tokens, users in PostgreSQL.
// POST /register, /login, /refresh; GET /manage/info (authenticated); GET /bare (the load generator's check).
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var connectionString = builder.Configuration.GetConnectionString("identitydb")
    ?? throw new InvalidOperationException("Set ConnectionStrings__identitydb.");
// Pooled, as EF Core's docs advise for high-throughput apps: the strongest reasonable setting of the peer.
builder.Services.AddDbContextPool<IdentityDbContext<IdentityUser>>(options => options.UseNpgsql(connectionString));
builder.Services.AddAuthorization();
builder.Services.AddIdentityApiEndpoints<IdentityUser>().AddEntityFrameworkStores<IdentityDbContext<IdentityUser>>();

var app = builder.Build();
using (var scope = app.Services.CreateScope())
{
    await scope.ServiceProvider.GetRequiredService<IdentityDbContext<IdentityUser>>().Database.EnsureCreatedAsync();
}
app.MapIdentityApi<IdentityUser>();
app.MapGet("/bare", () => "ok");
app.Run();
