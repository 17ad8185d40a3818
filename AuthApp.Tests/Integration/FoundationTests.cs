using Xunit.Abstractions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AuthApp.Tests.Integration;

/// <summary>The AppHost brings up every resource, migrates the database and serves the health routes.</summary>
[Collection(AppHostCollection.Name)]
public sealed class FoundationTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Migrations_create_the_schema()
    {
        await using var connection = new NpgsqlConnection(await Fixture.GetConnectionStringAsync("authdb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name", connection);
        var tables = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        Assert.Contains("users", tables);
        Assert.Contains("sessions", tables);
        Assert.Contains("signing_keys", tables);
        Assert.Contains("audit_entries", tables);
        Assert.DoesNotContain("refresh_tokens", tables); // rotation state lives on the session's row
        Assert.Contains("__EFMigrationsHistory", tables);
    }

    [Fact]
    public async Task Migration_worker_seeds_the_configured_superuser()
    {
        await using var connection = new NpgsqlConnection(await Fixture.GetConnectionStringAsync("authdb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT is_staff, is_superuser, is_active, password_hash FROM users WHERE normalized_email = 'root@example.com'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "the superuser row exists");
        Assert.True(reader.GetBoolean(0));
        Assert.True(reader.GetBoolean(1));
        Assert.True(reader.GetBoolean(2));
        Assert.StartsWith("$argon2id$", reader.GetString(3));
    }

    [Fact]
    public void Without_a_django_source_or_pepper_there_is_no_import_and_no_such_parameter()
    {
        var parameters = Fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>().Select(p => p.Name);
        Assert.DoesNotContain("django-db", parameters);
        Assert.DoesNotContain("django-password-pepper", parameters);
        Assert.DoesNotContain(Fixture.MigrationLogs, line => line.Contains("Django import", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    [InlineData("/api/health")]
    public async Task Health_routes_answer_200(string path)
    {
        using var response = await Fixture.Api.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Stopping_redis_makes_health_unhealthy_and_starting_it_again_recovers()
    {
        var commands = Fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var notifications = Fixture.App.ResourceNotifications;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var stopped = await commands.ExecuteCommandAsync("cache", KnownResourceCommands.StopCommand, cts.Token);
        Assert.True(stopped.Success, stopped.Message);
        try
        {
            await notifications.WaitForResourceAsync("cache", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cts.Token);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await PollStatusAsync("/health", HttpStatusCode.ServiceUnavailable, cts.Token));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await PollStatusAsync("/api/health", HttpStatusCode.ServiceUnavailable, cts.Token));
            var body = await Fixture.Api.GetStringAsync("/api/health", cts.Token).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : "");
            Assert.DoesNotContain("redis", body, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            var started = await commands.ExecuteCommandAsync("cache", KnownResourceCommands.StartCommand, CancellationToken.None);
            Assert.True(started.Success, started.Message);
        }

        await notifications.WaitForResourceHealthyAsync("cache", cts.Token);
        Assert.Equal(HttpStatusCode.OK, await PollStatusAsync("/health", HttpStatusCode.OK, cts.Token));
        Assert.Equal(HttpStatusCode.OK, await PollStatusAsync("/api/health", HttpStatusCode.OK, cts.Token));
    }

    /// <summary>Health checks are cached briefly and clients reconnect in the background: ask until the wanted answer or the deadline.</summary>
    private async Task<HttpStatusCode> PollStatusAsync(string path, HttpStatusCode wanted, CancellationToken ct)
    {
        HttpStatusCode last;
        do
        {
            using var response = await Fixture.Api.GetAsync(path, ct);
            last = response.StatusCode;
            if (last == wanted)
            {
                return last;
            }
            await Task.Delay(500, ct);
        }
        while (!ct.IsCancellationRequested);
        return last;
    }
}
