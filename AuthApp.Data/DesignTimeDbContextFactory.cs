using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AuthApp.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running database or the AppHost.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AuthDbContext>
{
    public AuthDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AuthDbContext>()
            .UseNpgsql("Host=localhost;Database=authdb")
            .UseSnakeCaseNamingConvention()
            .Options);
}
