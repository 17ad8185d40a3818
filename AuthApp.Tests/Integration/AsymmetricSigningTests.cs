using Xunit.Abstractions;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace AuthApp.Tests.Integration;

[Collection(Es256AppHostCollection.Name)]
public sealed class AsymmetricSigningTests(Es256AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<Es256AppHostFixture>(fixture, output)
{
    private async Task<string> StaffTokenAsync() => (await Api.LoginAsync("root@example.com", TestSecrets.SuperuserPassword)).Access;

    private async Task<JsonWebKeySet> JwksAsync()
    {
        using var response = await Api.GetAsync("/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new JsonWebKeySet(await response.Content.ReadAsStringAsync());
    }

    private async Task<string> RotateAsync()
    {
        using var rotate = await Api.PostJsonAsync("/api/v1/admin/keys/rotate", new { }, await StaffTokenAsync());
        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        return (await rotate.ReadJsonAsync()).GetProperty("kid").GetString()!;
    }

    [Fact]
    public async Task Tokens_are_es256_with_a_kid_that_the_jwks_publishes()
    {
        var user = await Api.RegisterAndLoginAsync();
        foreach (var token in new[] { user.AccessToken, user.RefreshToken })
        {
            var jwt = new JsonWebToken(token);
            Assert.Equal("ES256", jwt.Alg);
            Assert.False(string.IsNullOrEmpty(jwt.Kid));
            var published = (await JwksAsync()).Keys.Single(k => k.Kid == jwt.Kid);
            Assert.Equal("EC", published.Kty);
            Assert.Equal("P-256", published.Crv);
            Assert.Null(published.D); // never the private part
        }
    }

    [Fact]
    public async Task Another_service_validates_tokens_with_nothing_but_the_jwks()
    {
        var user = await Api.RegisterAndLoginAsync();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(user.AccessToken, new TokenValidationParameters
        {
            ValidIssuer = TestSecrets.Issuer,
            ValidAudience = "authapp-clients",
            IssuerSigningKeys = (await JwksAsync()).GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(user.Id.ToString(), result.Claims["user_id"]);
    }

    [Fact]
    public async Task Rotating_keys_with_tokens_in_flight()
    {
        var user = await Api.RegisterAndLoginAsync();
        var oldKid = new JsonWebToken(user.AccessToken).Kid;

        var newKid = await RotateAsync();
        Assert.NotEqual(oldKid, newKid);

        // Tokens signed by the retired key keep working until they expire...
        using var me = await Api.GetAsync("/api/v1/user/me", user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var refresh = await Api.RefreshAsync(user.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        // ...new ones are signed by the new key, and both keys are published.
        Assert.Equal(newKid, new JsonWebToken((await refresh.ReadJsonAsync()).GetProperty("access_token").GetString()!).Kid);
        var second = await Api.LoginAsync(user.Email, user.Password);
        Assert.Equal(newKid, new JsonWebToken(second.Access).Kid);
        var kids = (await JwksAsync()).Keys.Select(k => k.Kid).ToList();
        Assert.Contains(oldKid, kids);
        Assert.Contains(newKid, kids);

        // Rotating again while tokens of two earlier keys are in flight.
        await RotateAsync();
        using var stillValid = await Api.GetAsync("/api/v1/user/me", second.Access);
        Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
    }

    [Fact]
    public async Task The_key_list_shows_how_long_retired_keys_keep_verifying()
    {
        await RotateAsync();
        using var response = await Api.GetAsync("/api/v1/admin/keys", await StaffTokenAsync());
        var keys = (await response.ReadJsonAsync()).EnumerateArray().ToList();
        Assert.Single(keys, k => k.GetProperty("retired_at").ValueKind == System.Text.Json.JsonValueKind.Null);
        var retired = keys.First(k => k.GetProperty("retired_at").ValueKind != System.Text.Json.JsonValueKind.Null);
        Assert.True(retired.GetProperty("verifies_until").GetDateTimeOffset() > retired.GetProperty("retired_at").GetDateTimeOffset().AddDays(7));
    }

    [Fact]
    public async Task Only_staff_may_rotate()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var response = await Api.PostJsonAsync("/api/v1/admin/keys/rotate", new { }, user.AccessToken);
        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task An_hs256_token_made_with_the_deployment_secret_is_rejected()
    {
        var user = await Api.RegisterAndLoginAsync();
        var hs256 = TestTokens.Mint(TestTokens.ClaimsOf(user.AccessToken), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(5));
        using var response = await Api.GetAsync("/api/v1/user/me", hs256);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Fact]
    public async Task A_foreign_key_is_rejected_even_when_it_claims_a_published_kid()
    {
        var user = await Api.RegisterAndLoginAsync();
        var publishedKid = new JsonWebToken(user.AccessToken).Kid;
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        foreach (var kid in new[] { publishedKid, "unknown-kid" })
        {
            using var response = await Api.GetAsync("/api/v1/user/me", TestTokens.SignWithForeignKey(user.AccessToken, attacker, kid));
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        }
    }

    [Fact]
    public async Task A_key_row_altered_without_the_key_encryption_key_is_replaced_and_verifies_nothing()
    {
        var user = await Api.RegisterAndLoginAsync();
        var kid = new JsonWebToken(user.AccessToken).Kid;

        // What an alteration by someone without Jwt:SigningKey (or a changed Jwt:SigningKey) looks like to AES-GCM.
        await ExecuteAsync(
            "UPDATE signing_keys SET encrypted_private_key = overlay(encrypted_private_key PLACING '\\xdeadbeef'::bytea FROM 20 FOR 4) WHERE kid = @kid",
            ("kid", kid));

        // The ring re-reads keys every 2 s here; within a few reads it must have made a new key.
        string? newKid = null;
        for (var attempt = 0; attempt < 30 && (newKid is null || newKid == kid); attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            newKid = new JsonWebToken((await Api.LoginAsync(user.Email, user.Password)).Access).Kid;
        }
        Assert.NotEqual(kid, newKid);

        // The altered row verifies nothing any more: its public half is no longer vouched for by the sealed private key.
        using var me = await Api.GetAsync("/api/v1/user/me", user.AccessToken);
        await me.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        Assert.DoesNotContain(kid, (await JwksAsync()).Keys.Select(k => k.Kid));
        await ApiLogContainsAsync($"Signing key {kid} in the database was not sealed");
    }

    [Fact]
    public async Task A_key_row_planted_without_the_key_encryption_key_mints_no_token()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = "planted-" + Guid.NewGuid().ToString("N")[..8];
        // A retired key verifies without signing: the row an attacker with database access would add to mint tokens.
        await ExecuteAsync(
            """
            INSERT INTO signing_keys (kid, algorithm, public_key, encrypted_private_key, created_at, retired_at)
            VALUES (@kid, 'ES256', @public, @sealed, now() - interval '1 minute', now())
            """,
            ("kid", kid), ("public", attacker.ExportSubjectPublicKeyInfo()), ("sealed", RandomNumberGenerator.GetBytes(150)));

        // A token for a staff account is what such a row would be for; any claims show it.
        var forged = TestTokens.SignWithForeignKey(user.AccessToken, attacker, kid);
        using var me = await Api.GetAsync("/api/v1/user/me", forged); // an unknown kid makes the ring re-read the keys
        await me.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        Assert.DoesNotContain(kid, (await JwksAsync()).Keys.Select(k => k.Kid));
        await ApiLogContainsAsync($"Signing key {kid} in the database was not sealed");
    }

    [Fact]
    public async Task A_retired_keys_dates_altered_without_the_key_encryption_key_make_it_verify_nothing()
    {
        var user = await Api.RegisterAndLoginAsync();
        var kid = new JsonWebToken(user.AccessToken).Kid;
        await RotateAsync();
        using (var stillValid = await Api.GetAsync("/api/v1/user/me", user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode); // retired keys keep verifying their tokens
        }

        // Pushing the retirement out would keep a key verifying for longer: the dates are part of the seal.
        await ExecuteAsync("UPDATE signing_keys SET retired_at = retired_at + interval '30 days' WHERE kid = @kid", ("kid", kid));

        await ApiLogContainsAsync($"Signing key {kid} in the database was not sealed"); // the ring re-reads every 2 s here
        using var me = await Api.GetAsync("/api/v1/user/me", user.AccessToken);
        await me.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
    }

    /// <summary>The API's console reaches the test through the orchestrator's log stream, a moment after it is written.</summary>
    private async Task ApiLogContainsAsync(string text)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!Fixture.ApiLogs.Any(line => line.Contains(text)))
        {
            await Task.Delay(100, patience.Token);
        }
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(await Fixture.GetConnectionStringAsync("authdb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task Private_keys_are_encrypted_at_rest()
    {
        await using var connection = new NpgsqlConnection(await Fixture.GetConnectionStringAsync("authdb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT kid, public_key, encrypted_private_key FROM signing_keys", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = 0;
        while (await reader.ReadAsync())
        {
            rows++;
            var stored = (byte[])reader["encrypted_private_key"];
            using var ec = ECDsa.Create();
            Assert.ThrowsAny<CryptographicException>(() => ec.ImportPkcs8PrivateKey(stored, out _));
            // A PKCS#8 EC key in clear embeds its public point (the last 64 bytes of the SubjectPublicKeyInfo).
            var publicPoint = ((byte[])reader["public_key"])[^64..];
            Assert.True(stored.AsSpan().IndexOf(publicPoint) < 0, "the stored private key reveals its structure");
        }
        Assert.True(rows > 0);
    }
}
