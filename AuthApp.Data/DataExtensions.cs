using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace AuthApp.Data;

public static class DataExtensions
{
    /// <summary>
    /// The pooled, instrumented DbContext through the Aspire client integration (connection string
    /// <c>ConnectionStrings:authdb</c>); snake_case names to match the original's tables.
    /// Used by the API and by the migration worker so both see one model.
    /// </summary>
    public static IHostApplicationBuilder AddAuthDatabase(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<AuthDbContext>(ResourceNames.Database, configureDbContextOptions: options =>
            options.UseSnakeCaseNamingConvention());
        return builder;
    }
}
