using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace AuthApp.Data;

public static class DataExtensions
{
    /// <summary>
    /// The pooled, instrumented DbContext through the Aspire client integration (connection string
    /// <c>ConnectionStrings:authdb</c>); snake_case names to match the original's tables.
    /// Used by the API and by the migration worker so both see one model.
    /// </summary>
    public static IHostApplicationBuilder AddAuthDatabase(this IHostApplicationBuilder builder, DatabaseWaits? waits = null)
    {
        builder.AddNpgsqlDbContext<AuthDbContext>(ResourceNames.Database,
            configureSettings: settings =>
            {
                if (waits is null)
                {
                    return;
                }
                // A request must not wait out an outage: fail fast, answer 503, and let the client retry.
                settings.DisableRetry = true;
                settings.CommandTimeout = (int)Math.Ceiling(waits.CommandTimeout.TotalSeconds);
                if (!string.IsNullOrEmpty(settings.ConnectionString))
                {
                    settings.ConnectionString = new NpgsqlConnectionStringBuilder(settings.ConnectionString)
                    {
                        Timeout = (int)Math.Ceiling(waits.ConnectTimeout.TotalSeconds),
                    }.ConnectionString;
                }
            },
            configureDbContextOptions: options => options.UseSnakeCaseNamingConvention());
        return builder;
    }
}

/// <summary>How long a service waits for PostgreSQL per connection attempt and per command (no retries when set).</summary>
public sealed record DatabaseWaits(TimeSpan ConnectTimeout, TimeSpan CommandTimeout);
