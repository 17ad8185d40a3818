using Xunit.Abstractions;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace AuthApp.Tests.Integration;

/// <summary>
/// Generated malformed requests across every route: none may get a 5xx, and none may store anything.
/// The generator is seeded, so a failure names a request that can be replayed.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class HostileInputTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    private static readonly (HttpMethod Method, string Path)[] Routes =
    [
        (HttpMethod.Post, "/api/v1/user/create"), (HttpMethod.Post, "/api/v1/user/login"),
        (HttpMethod.Post, "/api/v1/user/refresh"), (HttpMethod.Post, "/api/v1/user/logout"),
        (HttpMethod.Put, "/api/v1/user/update"), (HttpMethod.Get, "/api/v1/user/me"),
        (HttpMethod.Get, "/api/v1/users"), (HttpMethod.Get, "/api/v1/admin/users"),
        (HttpMethod.Post, "/api/v1/admin/users/{id}/deactivate"), (HttpMethod.Post, "/api/v1/admin/users/{id}/revoke-sessions"),
        (HttpMethod.Get, "/api/health"), (HttpMethod.Delete, "/api/v1/user/me"),
        (HttpMethod.Post, "/api/v1/user/password/forgot"), (HttpMethod.Post, "/api/v1/user/password/reset"),
        (HttpMethod.Post, "/api/v1/user/email/confirm"), (HttpMethod.Post, "/api/v1/user/email/resend"),
    ];

    private static readonly string[] Strings =
    [
        "", " ", "\u0000", "a\u0000b", "\u202eadmin", "ad\u200bmin", "Ａｄｍｉｎ", "admin", "ǅ", "\ud800", "😀😀😀",
        new string('x', 5000), "' OR 1=1 --", "\"; DROP TABLE users; --", "${jndi:ldap://x}", "<script>alert(1)</script>",
        "%00", "..%2f..%2f", "bob@example.com\r\nBcc: x@y.z", "bob@exa\u0000mple.com", "bob@ｅxample.com", "a@b", "@", "a@@b.cd",
    ];

    private static readonly string[] Values =
    [
        "null", "true", "0", "-1", "1e309", "99999999999999999999999999", "[]", "{}", "[[[[[[[[]]]]]]]]", "\"\"",
    ];

    [Fact]
    public async Task Thousands_of_malformed_requests_get_no_5xx_and_store_nothing()
    {
        var usersBefore = await CountUsersAsync();
        var random = new Random(20261125);
        var failures = new List<string>();
        var staff = (await Fixture.Api.LoginAsync("root@example.com", TestSecrets.SuperuserPassword)).Access;

        for (var i = 0; i < 2500; i++)
        {
            var (method, template) = Routes[random.Next(Routes.Length)];
            var path = template.Replace("{id}", random.Next(3) switch { 0 => Guid.NewGuid().ToString(), 1 => "not-a-guid", _ => "%00" });
            if (random.Next(4) == 0)
            {
                path += "?limit=" + Uri.EscapeDataString(Pick(random, Strings)) + "&cursor=" + Uri.EscapeDataString(Pick(random, Strings)) + "&search=" + Uri.EscapeDataString(Pick(random, Strings));
            }
            using var request = new HttpRequestMessage(method, path);
            var body = Body(random);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8);
                request.Content.Headers.ContentType = new(random.Next(6) == 0 ? "text/plain" : "application/json");
            }
            switch (random.Next(5))
            {
                case 0: request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Ascii(Pick(random, Strings))); break;
                case 1: request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + staff); break;
                case 2: request.Headers.TryAddWithoutValidation("X-Refresh-Token", Ascii(Pick(random, Strings))); break;
                case 3: request.Headers.TryAddWithoutValidation("Authorization", Ascii(Pick(random, Strings))); break;
            }
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", $"192.0.2.{random.Next(1, 255)}");

            using var response = await Fixture.Api.SendAsync(request);
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"#{i} {method} {path} {body?[..Math.Min(body.Length, 200)]} -> {(int)response.StatusCode}");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(usersBefore, await CountUsersAsync());
        Assert.Equal(0L, await ScalarAsync("""
            SELECT count(*) FROM users
            WHERE username !~ '^[A-Za-z0-9]+$' OR email ~ '[[:cntrl:][:space:]]' OR email <> normalize(email, NFKC)
            """));
    }

    [Theory]
    [InlineData("GET /api/v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u00e9\u00e8\u00ff\r\n\r\n")]
    [InlineData("POST /api/v1/user/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n\u00ff\u00fe\u0000\u0001{")]
    [InlineData("GET /api/v1/user/me\u0000 HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("POST /api/v1/user/refresh HTTP/1.1\r\nHost: x\r\nX-Refresh-Token: \u0001\u0002\u0003\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("GARBAGE\r\n\r\n")]
    public async Task Raw_malformed_http_gets_a_4xx(string raw)
    {
        var status = await SendRawAsync(Encoding.Latin1.GetBytes(raw));
        Assert.InRange(status, 400, 499);
    }

    [Fact]
    public async Task Oversized_headers_get_431()
    {
        var raw = $"GET /api/v1/users HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', 64 * 1024)}\r\n\r\n";
        Assert.Equal(431, await SendRawAsync(Encoding.ASCII.GetBytes(raw)));
    }

    private async Task<int> SendRawAsync(byte[] request)
    {
        var endpoint = Fixture.Api.BaseAddress!;
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint.Host, endpoint.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(request);
        var buffer = new byte[512];
        var read = await stream.ReadAsync(buffer);
        var statusLine = Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
        return int.Parse(statusLine.Split(' ')[1]);
    }

    private static string? Body(Random random) => random.Next(9) switch
    {
        0 => null,
        1 => Pick(random, Strings),
        2 => Pick(random, Values),
        3 => "{\"" + Pick(random, ["username", "email", "password", "refresh_token", "confirm_password", "current_password", "token"]) + "\": " + Pick(random, Values) + "}",
        4 => $$"""{"username": {{Json(Pick(random, Strings))}}, "email": {{Json(Pick(random, Strings))}}, "password": {{Json(Pick(random, Strings))}}}""",
        5 => $$"""{"email": {{Json(Pick(random, Strings))}}, "password": {{Pick(random, Values)}}}""",
        6 => "{\"username\": \"ok" + random.Next() + "\", \"email\": \"x" + random.Next() + "@example.com\", \"password\": \"short\", \"is_staff\": true}",
        7 => new string('[', random.Next(1, 300)) + new string(']', random.Next(1, 300)),
        _ => Convert.ToBase64String(Enumerable.Range(0, random.Next(1, 200)).Select(_ => (byte)random.Next(256)).ToArray()),
    };

    private static string Json(string value) => System.Text.Json.JsonSerializer.Serialize(value);
    private static string Pick(Random random, string[] options) => options[random.Next(options.Length)];
    private static string Ascii(string value) => new(value.Where(c => c is >= ' ' and < '\u007f').ToArray());

    private Task<long> CountUsersAsync() => ScalarAsync("SELECT count(*) FROM users");

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(await Fixture.GetConnectionStringAsync("authdb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
