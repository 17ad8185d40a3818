using System.Text.Json;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// The OAuth 2.0 side of AuthApp as a service sees it: discovery, client credentials, introspection, revocation,
/// the revocation feed, and the staff routes that manage clients — one issuer, one key set, one revocation.
/// </summary>
[Collection(InProcessCollection.Name)]
public sealed class OAuthServerTests(ServersFixture servers, ITestOutputHelper output) : InProcessTest(servers, output)
{
    [Fact]
    public async Task Discovery_names_the_issuer_of_the_tokens_the_key_set_and_the_endpoints()
    {
        using var response = await Api.GetAsync("/.well-known/openid-configuration");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var discovery = await response.ReadJsonAsync();
        Assert.Equal(TestSecrets.Issuer, discovery.GetProperty("issuer").GetString());
        // The endpoints are on the address the document was fetched from (here the test server's).
        var self = new Uri(Api.BaseAddress!, "/").AbsoluteUri;
        Assert.Equal($"{self}.well-known/jwks.json", discovery.GetProperty("jwks_uri").GetString());
        Assert.Equal($"{self}connect/token", discovery.GetProperty("token_endpoint").GetString());
        Assert.Equal($"{self}connect/introspect", discovery.GetProperty("introspection_endpoint").GetString());
        Assert.Equal($"{self}connect/revoke", discovery.GetProperty("revocation_endpoint").GetString());
        Assert.Contains("client_credentials", Strings(discovery, "grant_types_supported"));
        Assert.Contains("client_secret_basic", Strings(discovery, "token_endpoint_auth_methods_supported"));
        Assert.Equal(["HS256"], Strings(discovery, "id_token_signing_alg_values_supported"));

        var user = await Api.RegisterAndLoginAsync();
        Assert.Equal(TestSecrets.Issuer, new JsonWebToken(user.AccessToken).Issuer);
    }

    [Fact]
    public async Task A_client_gets_a_token_for_its_scopes_and_audiences_signed_like_a_users()
    {
        var staff = await App.RegisterStaffAsync();
        var client = await Api.CreateClientAsync(staff.AccessToken, ["orders.read", "orders.write"], ["orders"]);

        using var response = await Api.RequestTokenAsync(client, "orders.read");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.InRange(body.GetProperty("expires_in").GetInt32(), 898, 900);
        var token = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal("at+jwt", token.Typ);
        Assert.Equal("HS256", token.Alg);
        Assert.Equal(TestSecrets.Issuer, token.Issuer);
        Assert.Equal(client.ClientId, token.Subject);
        Assert.Equal(client.ClientId, token.GetClaim("client_id").Value);
        Assert.Equal(["orders"], token.Audiences);
        Assert.Equal("orders.read", token.GetClaim("scope").Value);
        Assert.True(Guid.TryParse(token.GetClaim("sid").Value, out _));

        // Without a scope parameter the token carries every scope the client may use; one it lacks is refused.
        using var unscoped = await Api.RequestTokenAsync(client);
        var all = new JsonWebToken((await unscoped.ReadJsonAsync()).GetProperty("access_token").GetString()).GetClaim("scope").Value;
        Assert.Equal(["orders.read", "orders.write"], all.Split(' ').Order());
        using var refused = await Api.RequestTokenAsync(client, "payments.write");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        // OpenIddict's answer for a scope the client holds no permission for (its ID2051).
        var error = await refused.ReadJsonAsync();
        Assert.Equal("invalid_request", error.GetProperty("error").GetString());
        Assert.Contains("scope", error.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task A_wrong_secret_or_unknown_client_is_refused_and_a_client_token_opens_none_of_the_users_routes()
    {
        var staff = await App.RegisterStaffAsync();
        var client = await Api.CreateClientAsync(staff.AccessToken, [], ["orders"]);
        foreach (var wrong in new[] { client with { Secret = client.Secret + "x" }, client with { ClientId = "nobody-here" } })
        {
            using var response = await Api.RequestTokenAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("invalid_client", (await response.ReadJsonAsync()).GetProperty("error").GetString());
        }
        var token = await Api.ClientTokenAsync(client);
        using var me = await Api.GetAsync("/api/v1/user/me", token);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        using var staffRoute = await Api.GetAsync("/api/v1/admin/users", token);
        Assert.Equal(HttpStatusCode.Unauthorized, staffRoute.StatusCode);
    }

    [Fact]
    public async Task Introspection_answers_for_every_kind_of_token_and_sees_a_logout()
    {
        var staff = await App.RegisterStaffAsync();
        var client = await Api.CreateClientAsync(staff.AccessToken, ["orders.read"], ["orders"]);
        var user = await Api.RegisterAndLoginAsync();

        var access = await Api.IntrospectAsync(client, user.AccessToken);
        Assert.True(access.GetProperty("active").GetBoolean());
        Assert.Equal(user.Id.ToString(), access.GetProperty("sub").GetString());
        Assert.Equal(TestSecrets.Issuer, access.GetProperty("iss").GetString());
        Assert.Equal("access_token", access.GetProperty("token_usage").GetString());
        var refresh = await Api.IntrospectAsync(client, user.RefreshToken);
        Assert.True(refresh.GetProperty("active").GetBoolean());
        Assert.Equal("refresh_token", refresh.GetProperty("token_usage").GetString());

        var own = await Api.IntrospectAsync(client, await Api.ClientTokenAsync(client, "orders.read"));
        Assert.True(own.GetProperty("active").GetBoolean());
        Assert.Equal(client.ClientId, own.GetProperty("client_id").GetString());

        using (await Api.LogoutAsync(user.AccessToken, user.RefreshToken)) { }
        Assert.False((await Api.IntrospectAsync(client, user.AccessToken)).GetProperty("active").GetBoolean());
        Assert.False((await Api.IntrospectAsync(client, user.RefreshToken)).GetProperty("active").GetBoolean());
        Assert.False((await Api.IntrospectAsync(client, "not-a-token")).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task A_spent_refresh_token_is_inactive_and_another_clients_token_is_not_shown_to_a_stranger()
    {
        var staff = await App.RegisterStaffAsync();
        var client = await Api.CreateClientAsync(staff.AccessToken, [], ["orders"]);
        var stranger = await Api.CreateClientAsync(staff.AccessToken, [], ["billing"]);
        var user = await Api.RegisterAndLoginAsync();
        using (var refreshed = await Api.RefreshAsync(user.RefreshToken))
        {
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        }
        Assert.False((await Api.IntrospectAsync(client, user.RefreshToken)).GetProperty("active").GetBoolean());

        var token = await Api.ClientTokenAsync(client);
        Assert.False((await Api.IntrospectAsync(stranger, token)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Revoking_a_users_token_ends_the_login_and_revoking_a_clients_token_ends_that_token()
    {
        var staff = await App.RegisterStaffAsync();
        var client = await Api.CreateClientAsync(staff.AccessToken, [], ["orders"]);
        var user = await Api.RegisterAndLoginAsync();

        using (var revoked = await Api.RevokeTokenAsync(client, user.RefreshToken))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }
        await Api.AssertSessionRevokedAsync(user.AccessToken, user.RefreshToken);

        var first = await Api.ClientTokenAsync(client);
        var second = await Api.ClientTokenAsync(client);
        using (var revoked = await Api.RevokeTokenAsync(client, first))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }
        Assert.False((await Api.IntrospectAsync(client, first)).GetProperty("active").GetBoolean());
        Assert.True((await Api.IntrospectAsync(client, second)).GetProperty("active").GetBoolean());

        // RFC 7009: an unknown or malformed token is answered 200 too, and changes nothing.
        using var unknown = await Api.RevokeTokenAsync(client, "not-a-token");
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
    }

    [Fact]
    public async Task Disabling_a_client_revokes_its_tokens_and_refuses_new_ones_until_enabled_with_an_audit_entry_each()
    {
        var staff = await App.RegisterStaffAsync();
        var client = await Api.CreateClientAsync(staff.AccessToken, [], ["orders"]);
        var observer = await Api.CreateClientAsync(staff.AccessToken, [], ["orders"]);
        var token = await Api.ClientTokenAsync(client);

        using (var disabled = await Api.PostJsonAsync($"/api/v1/admin/clients/{client.ClientId}/disable", new { }, staff.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
            Assert.False((await disabled.ReadJsonAsync()).GetProperty("enabled").GetBoolean());
        }
        Assert.False((await Api.IntrospectAsync(observer, token)).GetProperty("active").GetBoolean());
        using (var refused = await Api.RequestTokenAsync(client))
        {
            Assert.Equal("invalid_client", (await refused.ReadJsonAsync()).GetProperty("error").GetString());
        }
        // Nor may it introspect or revoke (a live login stays live).
        var user = await Api.RegisterAndLoginAsync();
        using (var introspection = await Api.PostAsync("/connect/introspect", Form(client, ("token", user.AccessToken))))
        {
            var answer = await introspection.ReadJsonAsync();
            Assert.True(answer.TryGetProperty("error", out var error) && error.GetString() == "invalid_client",
                $"{(int)introspection.StatusCode} {answer}");
        }
        using (var revocation = await Api.PostAsync("/connect/revoke", Form(client, ("token", user.RefreshToken))))
        {
            Assert.NotEqual(HttpStatusCode.OK, revocation.StatusCode);
        }
        Assert.True((await Api.IntrospectAsync(observer, user.AccessToken)).GetProperty("active").GetBoolean());

        using (var enabled = await Api.PostJsonAsync($"/api/v1/admin/clients/{client.ClientId}/enable", new { }, staff.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        }
        Assert.False((await Api.IntrospectAsync(observer, token)).GetProperty("active").GetBoolean()); // revoked stays revoked
        await Api.ClientTokenAsync(client);

        var actions = await App.WithDatabaseAsync(db => db.AuditEntries.Where(e => e.Subject == client.ClientId)
            .OrderBy(e => e.OccurredAt).Select(e => e.Action).ToListAsync());
        Assert.Equal([AuditActions.CreateClient, AuditActions.DisableClient, AuditActions.EnableClient], actions);
    }

    [Fact]
    public async Task A_rotated_secret_replaces_the_old_one_and_ends_the_clients_tokens()
    {
        var staff = await App.RegisterStaffAsync();
        var client = await Api.CreateClientAsync(staff.AccessToken, [], ["orders"]);
        var token = await Api.ClientTokenAsync(client);

        using var rotated = await Api.PostJsonAsync($"/api/v1/admin/clients/{client.ClientId}/rotate-secret", new { }, staff.AccessToken);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var renewed = client with { Secret = (await rotated.ReadJsonAsync()).GetProperty("client_secret").GetString()! };
        Assert.NotEqual(client.Secret, renewed.Secret);

        using (var old = await Api.RequestTokenAsync(client))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }
        Assert.False((await Api.IntrospectAsync(renewed, token)).GetProperty("active").GetBoolean());
        await Api.ClientTokenAsync(renewed);

        // Stored hashed: neither secret appears in the table.
        var stored = await App.WithDatabaseAsync(db => db.OAuthClients.Where(c => c.ClientId == client.ClientId)
            .Select(c => c.ClientSecret).SingleAsync());
        Assert.StartsWith("sha256:", stored);
        Assert.DoesNotContain(renewed.Secret, stored);
    }

    [Fact]
    public async Task The_revocation_feed_lists_each_ended_session_once_in_order()
    {
        var staff = await App.RegisterStaffAsync();
        var client = await Api.CreateClientAsync(staff.AccessToken, [], ["orders"]);
        using var start = await Api.ReadRevocationFeedAsync(client);
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        var highest = (await start.ReadJsonAsync()).GetProperty("highest").GetInt64();

        var user = await Api.RegisterAndLoginAsync();
        using (await Api.LogoutAsync(user.AccessToken, user.RefreshToken)) { }
        var sid = new JsonWebToken(user.AccessToken).GetClaim("sid").Value;

        using var next = await Api.ReadRevocationFeedAsync(client, highest);
        var page = await next.ReadJsonAsync();
        Assert.Equal(highest + 1, page.GetProperty("highest").GetInt64());
        var ended = Assert.Single(page.GetProperty("sessions").EnumerateArray());
        Assert.Equal(sid, ended.GetProperty("sid").GetString());
        Assert.True(ended.GetProperty("until").GetDateTimeOffset() > App.Clock.GetUtcNow());
        Assert.False(page.GetProperty("more").GetBoolean());

        using var again = await Api.ReadRevocationFeedAsync(client, highest + 1);
        Assert.Empty((await again.ReadJsonAsync()).GetProperty("sessions").EnumerateArray());
        // A fresh reader (no "after") gets every ended session whose tokens could still be live, this one included.
        using var snapshot = await Api.ReadRevocationFeedAsync(client);
        Assert.Contains((await snapshot.ReadJsonAsync()).GetProperty("sessions").EnumerateArray(), s => s.GetProperty("sid").GetString() == sid);
    }

    [Fact]
    public async Task The_feed_and_the_client_routes_refuse_bad_input_with_problem_details()
    {
        var staff = await App.RegisterStaffAsync();
        var client = await Api.CreateClientAsync(staff.AccessToken, [], ["orders"]);
        using (var anonymous = await Api.GetAsync("/connect/revocations"))
        {
            await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized, "not_authenticated");
        }
        using (var wrong = await Api.ReadRevocationFeedAsync(client with { Secret = "wrong" }))
        {
            await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized, "not_authenticated");
        }
        using (var negative = await Api.ReadRevocationFeedAsync(client, -1))
        {
            await negative.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        }
        using (var invalid = await Api.PostJsonAsync("/api/v1/admin/clients", new { client_id = "Bad Id!", scopes = new[] { "has space" } }, staff.AccessToken))
        {
            var problem = await invalid.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
            Assert.NotEmpty(problem.FieldErrors("client_id"));
            Assert.NotEmpty(problem.FieldErrors("scopes"));
        }
        using (var duplicate = await Api.PostJsonAsync("/api/v1/admin/clients", new { client_id = client.ClientId }, staff.AccessToken))
        {
            await duplicate.AssertProblemAsync(HttpStatusCode.Conflict, "client_exists");
        }
        using (var missing = await Api.PostJsonAsync("/api/v1/admin/clients/nobody-here/disable", new { }, staff.AccessToken))
        {
            await missing.AssertProblemAsync(HttpStatusCode.NotFound, "client_not_found");
        }
        var user = await Api.RegisterAndLoginAsync();
        using var notStaff = await Api.GetAsync("/api/v1/admin/clients", user.AccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, notStaff.StatusCode);
    }

    [Fact]
    public async Task Staff_see_every_client_with_its_scopes_and_audiences_but_never_a_secret()
    {
        var staff = await App.RegisterStaffAsync();
        var client = await Api.CreateClientAsync(staff.AccessToken, ["orders.read"], ["orders", "billing"]);
        using var response = await Api.GetAsync("/api/v1/admin/clients", staff.AccessToken);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(client.Secret, text);
        var listed = JsonDocument.Parse(text).RootElement.EnumerateArray().Single(c => c.GetProperty("client_id").GetString() == client.ClientId);
        Assert.Equal(["orders.read"], Strings(listed, "scopes"));
        Assert.Equal(["orders", "billing"], Strings(listed, "audiences"));
        Assert.True(listed.GetProperty("enabled").GetBoolean());
        Assert.False(listed.GetProperty("declared_in_app_host").GetBoolean());
    }

    private static HttpContent Form(TestClient client, params (string Name, string Value)[] fields) =>
        new FormUrlEncodedContent(new[] { ("client_id", client.ClientId), ("client_secret", client.Secret) }.Concat(fields)
            .Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));

    private static string[] Strings(JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(e => e.GetString()!)];
}
