using System.Net.Sockets;
using Npgsql;

namespace AuthApp.Api.Common;

/// <summary>
/// Tells an outage of PostgreSQL (refused, unreachable, timed out, shutting down), or a statement it rolled back because
/// of other work (a deadlock, a serialization failure, a lock or statement timeout: safe to retry), from a bug.
/// </summary>
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
                    // The server answered: "going away" states (57P01 admin shutdown, 57P03 cannot connect now, 08xxx), and
                    // what it rolled back for others' sake: 40P01 deadlock (refresh rotations commit in batches, holding
                    // a few session rows at once), 40001 serialization failure, 55P03 lock timeout, 57014 cancelled.
                    return postgres.SqlState.StartsWith("57P", StringComparison.Ordinal) || postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                            or PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled;
                case NpgsqlException:
                case TimeoutException:
                case SocketException:
                    return true;
            }
        }
        return false;
    }
}
