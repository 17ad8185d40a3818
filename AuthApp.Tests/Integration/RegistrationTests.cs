using Xunit.Abstractions;
using Npgsql;

namespace AuthApp.Tests.Integration;

[Collection(AppHostCollection.Name)]
public sealed class RegistrationTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    [Fact]
    public async Task Registering_returns_201_with_the_public_fields()
    {
        var username = ApiClient.NewUsername();
        using var response = await Api.PostJsonAsync("/api/v1/user/create",
            new { username, email = $"{username}@EXAMPLE.com", password = ApiClient.StrongPassword });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(Guid.TryParse(body.GetProperty("id").GetString(), out _));
        Assert.Equal(username, body.GetProperty("username").GetString());
        Assert.Equal($"{username}@example.com", body.GetProperty("email").GetString());
        Assert.True(body.GetProperty("is_active").GetBoolean());
        Assert.True(body.TryGetProperty("date_joined", out _));
        Assert.False(body.TryGetProperty("password", out _));
        Assert.False(body.TryGetProperty("password_hash", out _));
    }

    [Fact]
    public async Task Username_and_email_are_unique_without_regard_to_case()
    {
        var user = await Api.RegisterAndLoginAsync();

        using var sameName = await Api.PostJsonAsync("/api/v1/user/create",
            new { username = user.Username.ToUpperInvariant(), email = $"other{user.Email}", password = ApiClient.StrongPassword });
        var problem = await sameName.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(["A user with that username already exists."], problem.FieldErrors("username"));

        using var sameEmail = await Api.PostJsonAsync("/api/v1/user/create",
            new { username = ApiClient.NewUsername(), email = user.Email.ToUpperInvariant(), password = ApiClient.StrongPassword });
        problem = await sameEmail.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(["user with this email already exists."], problem.FieldErrors("email"));
    }

    [Fact]
    public async Task Every_invalid_field_is_reported_at_once()
    {
        using var response = await Api.PostJsonAsync("/api/v1/user/create", new { username = "a!", email = "not-an-email", password = "12345" });
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("Username may contain only letters and digits.", problem.FieldErrors("username"));
        Assert.Equal(["Enter a valid email address."], problem.FieldErrors("email"));
        var password = problem.FieldErrors("password");
        Assert.Contains("This password is too short. It must contain at least 8 characters.", password);
        Assert.Contains("This password is too common.", password);
        Assert.Contains("This password is entirely numeric.", password);
    }

    [Fact]
    public async Task Missing_fields_are_named()
    {
        using var response = await Api.PostJsonAsync("/api/v1/user/create", new { });
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(["This field is required."], problem.FieldErrors("username"));
        Assert.Equal(["This field is required."], problem.FieldErrors("email"));
        Assert.Equal(["This field is required."], problem.FieldErrors("password"));
    }

    [Fact]
    public async Task A_password_similar_to_the_username_is_refused()
    {
        var username = "zebra" + Random.Shared.Next(100000, 999999);
        using var response = await Api.PostJsonAsync("/api/v1/user/create",
            new { username, email = $"{username}@example.com", password = username + "x" });
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("The password is too similar to the username.", problem.FieldErrors("password"));
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_address_give_one_201_and_400s()
    {
        var email = $"{ApiClient.NewUsername()}@example.com";
        var attempts = Enumerable.Range(0, 8).Select(_ => Api.PostJsonAsync("/api/v1/user/create",
            new { username = ApiClient.NewUsername(), email, password = ApiClient.StrongPassword }));
        var responses = await Task.WhenAll(attempts);

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest));

        await using var connection = new NpgsqlConnection(await Fixture.GetConnectionStringAsync("authdb"));
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM users WHERE normalized_email = @e", connection);
        count.Parameters.AddWithValue("e", email);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Passwords_are_stored_as_argon2id()
    {
        var user = await Api.RegisterAndLoginAsync();
        await using var connection = new NpgsqlConnection(await Fixture.GetConnectionStringAsync("authdb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT password_hash FROM users WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", user.Id);
        var hash = (string)(await command.ExecuteScalarAsync())!;
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", hash);
        Assert.DoesNotContain(user.Password, hash);
    }
}
