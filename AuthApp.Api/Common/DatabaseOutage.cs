using System.Net.Sockets;
using Npgsql;

namespace AuthApp.Api.Common;

/// <summary>Tells an outage of PostgreSQL (refused, unreachable, timed out, shutting down) from a bug.</summary>
public static class DatabaseOutage
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public static bool Explains(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    // The server answered: only "going away" states are an outage (57P01 admin shutdown, 57P03 cannot connect now, 08xxx).
                    return postgres.SqlState.StartsWith("57P", StringComparison.Ordinal) || postgres.SqlState.StartsWith("08", StringComparison.Ordinal);
                case NpgsqlException:
                case TimeoutException:
                case SocketException:
                    return true;
            }
        }
        return false;
    }
}
