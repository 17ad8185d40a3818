using AuthApp.Api.Auth;
using AuthApp.Api.Common;
using Npgsql;

namespace AuthApp.Tests.Unit;

/// <summary>Which failures of PostgreSQL a client is told to retry (503 with Retry-After) and which are bugs (500).</summary>
public sealed class DatabaseOutageTests
{
    [Theory]
    [InlineData("57P01", true)] // admin shutdown
    [InlineData("08006", true)] // connection failure
    [InlineData("40P01", true)] // deadlock: rolled back, safe to retry
    [InlineData("40001", true)] // serialization failure
    [InlineData("55P03", true)] // lock not available
    [InlineData("57014", true)] // statement cancelled (timeout)
    [InlineData("23505", false)] // unique violation: a bug if it reaches the handler
    [InlineData("42P01", false)] // undefined table
    public void A_PostgreSQL_error_is_an_outage_only_when_retrying_can_help(string sqlState, bool outage)
    {
        var error = new PostgresException("message", "ERROR", "ERROR", sqlState);
        Assert.Equal(outage, DatabaseOutage.Explains(error));
        // Also when a batch of refresh rotations carries it to each of its callers.
        Assert.Equal(outage, DatabaseOutage.Explains(new RotationBatchException(3, error)));
    }

    [Fact]
    public void A_timeout_is_an_outage_and_a_bug_inside_a_batch_is_not()
    {
        Assert.True(DatabaseOutage.Explains(new TimeoutException("waited too long")));
        Assert.False(DatabaseOutage.Explains(new RotationBatchException(3, new InvalidOperationException("a bug"))));
    }
}
