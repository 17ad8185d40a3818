using Xunit.Abstractions;
using Npgsql;

namespace AuthApp.Tests.Integration;

[Collection(AppHostCollection.Name)]
public sealed class LoginTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    [Fact]
    public async Task Login_by_email_returns_the_djangos_service_shape()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var response = await Api.PostJsonAsync("/api/v1/user/login", new { email = user.Email.ToUpperInvariant(), password = user.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("Login successful", body.GetProperty("message").GetString());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(900, body.GetProperty("expires_in").GetInt32());
        Assert.Equal(3, body.GetProperty("access_token").GetString()!.Split('.').Length);
        Assert.Equal(3, body.GetProperty("refresh_token").GetString()!.Split('.').Length);
        Assert.Equal(user.Id, body.GetProperty("user").GetProperty("id").GetGuid());
        Assert.Equal(user.Username, body.GetProperty("user").GetProperty("username").GetString());
        Assert.Equal(user.Email, body.GetProperty("user").GetProperty("email").GetString());
    }

    [Fact]
    public async Task Login_by_username_works_too()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var response = await Api.PostJsonAsync("/api/v1/user/login", new { username = user.Username, password = user.Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_user_wrong_password_and_inactive_account_get_one_generic_answer()
    {
        var user = await Api.RegisterAndLoginAsync();
        var inactive = await Api.RegisterAndLoginAsync();
        await using (var connection = new NpgsqlConnection(await Fixture.GetConnectionStringAsync("authdb")))
        {
            await connection.OpenAsync();
            await using var deactivate = new NpgsqlCommand("UPDATE users SET is_active = false WHERE id = @id", connection);
            deactivate.Parameters.AddWithValue("id", inactive.Id);
            await deactivate.ExecuteNonQueryAsync();
        }

        var details = new List<string>();
        foreach (var (email, password) in new[] { ("nobody-here@example.com", "Whatever-Pass-123"), (user.Email, "Wrong-Pass-123"), (inactive.Email, inactive.Password) })
        {
            using var response = await Api.PostJsonAsync("/api/v1/user/login", new { email, password });
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_credentials");
            details.Add(problem.GetProperty("detail").GetString()!);
        }
        Assert.Single(details.Distinct());
    }

    [Fact]
    public async Task Missing_credentials_are_validation_errors()
    {
        using var response = await Api.PostJsonAsync("/api/v1/user/login", new { });
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(["This field is required."], problem.FieldErrors("email"));
        Assert.Equal(["This field is required."], problem.FieldErrors("password"));
    }

    [Fact]
    public async Task Too_many_attempts_from_one_address_get_429_with_retry_after()
    {
        // The API trusts X-Forwarded-For from the orchestrator's loopback proxy, so a made-up client address isolates this test.
        const string client = "2001:db8::429";
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 200 && limited is null; i++)
        {
            var response = await Api.PostJsonAsync("/api/v1/user/login", new { }, forwardedFor: client);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        // Other clients are unaffected.
        using var other = await Api.PostJsonAsync("/api/v1/user/login", new { }, forwardedFor: "192.0.2.1");
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
    }

    [Fact]
    public async Task A_django_pbkdf2_hash_logs_in_and_is_upgraded_to_argon2id()
    {
        var username = ApiClient.NewUsername();
        // Python: base64(hashlib.pbkdf2_hmac('sha256', b'correct horse battery staple', b'seasalt123', 1000))
        const string djangoHash = "pbkdf2_sha256$1000$seasalt123$mi/mouJNitkW01F5F1gueFuRlWbcQkpDEMxeAA/Xa9k=";
        var id = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(await Fixture.GetConnectionStringAsync("authdb"));
        await connection.OpenAsync();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO users (id, username, normalized_username, email, normalized_email, password_hash, is_active, is_staff, is_superuser, date_joined, updated_at)
            VALUES (@id, @u, @u, @e, @e, @h, true, false, false, now(), now())
            """, connection))
        {
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("u", username);
            insert.Parameters.AddWithValue("e", $"{username}@example.com");
            insert.Parameters.AddWithValue("h", djangoHash);
            await insert.ExecuteNonQueryAsync();
        }

        await Api.LoginAsync($"{username}@example.com", "correct horse battery staple");

        await using var read = new NpgsqlCommand("SELECT password_hash, last_login FROM users WHERE id = @id", connection);
        read.Parameters.AddWithValue("id", id);
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.StartsWith("$argon2id$", reader.GetString(0));
        Assert.False(reader.IsDBNull(1));
    }
}
