using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace AuthApp.Data;

public static class DataExtensions
{
    /// <summary>
    /// The pooled, instrumented DbContext through the Aspire client integration (connection string
    /// <c>ConnectionStrings:authdb</c>); snake_case names to match the original's tables.
    /// Used by the API (with <paramref name="requestPath"/>) and by the migration worker so both see one model.
    /// </summary>
    public static IHostApplicationBuilder AddAuthDatabase(this IHostApplicationBuilder builder, RequestPathDatabase? requestPath = null)
    {
        builder.AddNpgsqlDbContext<AuthDbContext>(ResourceNames.Database,
            configureSettings: settings =>
            {
                if (requestPath is null)
                {
                    return;
                }
                // A request must not wait out an outage: fail fast, answer 503, and let the client retry.
                settings.DisableRetry = true;
                settings.CommandTimeout = (int)Math.Ceiling(requestPath.CommandTimeout.TotalSeconds);
                if (!string.IsNullOrEmpty(settings.ConnectionString))
                {
                    settings.ConnectionString = requestPath.Apply(settings.ConnectionString);
                }
            },
            configureDbContextOptions: options => options.UseSnakeCaseNamingConvention());
        return builder;
    }
}

/// <summary>
/// How the API's request path uses PostgreSQL: bounded waits (no retries), and connections reused as they are.
/// </summary>
public sealed record RequestPathDatabase(TimeSpan ConnectTimeout, TimeSpan CommandTimeout)
{
    /// <summary>Distinct statements each connection keeps prepared (Npgsql's automatic preparation).</summary>
    public const int PreparedStatementsPerConnection = 64;

    public string Apply(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Timeout = (int)Math.Ceiling(ConnectTimeout.TotalSeconds),
            // Statements written by hand (the refresh, the login) get the same bound as EF's, not Npgsql's 30 s.
            CommandTimeout = (int)Math.Ceiling(CommandTimeout.TotalSeconds),
            // A server that stopped answering (frozen, partitioned) will not answer a cancel request either: break the
            // connection at the timeout instead of waiting 2 s more for a reply that cannot come.
            CancellationTimeout = -1,
        };
        // A connection handed back to the pool is otherwise reset with a round of commands (DISCARD ALL, or
        // CLOSE ALL/UNLISTEN/… once statements are prepared) sent ahead of the next request's statement. The API
        // leaves no session state behind (no SET, LISTEN, temp tables or session-level locks: its advisory lock is
        // transaction-scoped), so there is nothing to reset. The migration worker, which does, keeps the reset.
        // The request path's statements are few and always the same: prepared once per connection, PostgreSQL stops
        // parsing and planning them on every request (a third of its CPU per refresh here).
        // An operator's own settings win (Max Auto Prepare=0 behind a pooler that cannot keep prepared statements).
        if (!NamesSetting(connectionString, "noresetonclose"))
        {
            builder.NoResetOnClose = true;
        }
        // Npgsql's default, Prefer, makes every connection attempt that fails (a hung server's accept queue is full) try
        // again without GSS encryption: a cancel request to a frozen server then costs two connect timeouts. AuthApp's
        // servers use TLS or nothing; an operator who does use GSS encryption says so in the connection string.
        if (!NamesSetting(connectionString, "gssencryptionmode") && Environment.GetEnvironmentVariable("PGGSSENCMODE") is null)
        {
            builder.GssEncryptionMode = GssEncryptionMode.Disable;
        }
        if (!NamesSetting(connectionString, "maxautoprepare"))
        {
            builder.MaxAutoPrepare = PreparedStatementsPerConnection;
        }
        return builder.ConnectionString;
    }

    /// <summary>Whether the connection string itself names a setting (Npgsql's builder reports every known key as present).</summary>
    private static bool NamesSetting(string connectionString, string compactName) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(key => string.Equals(key.Replace(" ", ""), compactName, StringComparison.OrdinalIgnoreCase));
}
