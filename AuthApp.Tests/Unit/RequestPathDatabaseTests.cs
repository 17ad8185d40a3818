using AuthApp.Data;
using Npgsql;

namespace AuthApp.Tests.Unit;

public sealed class RequestPathDatabaseTests
{
    private static readonly RequestPathDatabase Api = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));

    [Fact]
    public void The_API_connects_briefly_prepares_its_statements_and_skips_the_reset_between_requests()
    {
        var applied = new NpgsqlConnectionStringBuilder(Api.Apply("Host=db;Database=authdb;Username=app;Timeout=30"));

        Assert.Equal(2, applied.Timeout);
        Assert.Equal(4, applied.CommandTimeout); // hand-written statements too, not Npgsql's 30 s
        Assert.Equal(-1, applied.CancellationTimeout); // no wait for a cancel a hung server cannot answer
        Assert.Equal(GssEncryptionMode.Disable, applied.GssEncryptionMode); // one connect attempt, not two
        Assert.Equal(RequestPathDatabase.PreparedStatementsPerConnection, applied.MaxAutoPrepare);
        Assert.True(applied.NoResetOnClose);
        Assert.Equal("db", applied.Host);
        Assert.Equal("authdb", applied.Database);
    }

    [Theory]
    [InlineData("Host=db;Database=authdb;Max Auto Prepare=0", 0, true)]
    [InlineData("Host=db;Database=authdb;maxautoprepare=10", 10, true)]
    [InlineData("Host=db;Database=authdb;No Reset On Close=false", RequestPathDatabase.PreparedStatementsPerConnection, false)]
    public void An_operators_own_settings_win(string connectionString, int preparedStatements, bool noReset)
    {
        var applied = new NpgsqlConnectionStringBuilder(Api.Apply(connectionString));

        Assert.Equal(preparedStatements, applied.MaxAutoPrepare);
        Assert.Equal(noReset, applied.NoResetOnClose);
    }
}
