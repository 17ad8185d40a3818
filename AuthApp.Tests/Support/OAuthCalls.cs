using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AuthApp.Tests.Support;

/// <summary>A client registered through the staff API, with the secret shown once at creation.</summary>
public sealed record TestClient(string ClientId, string Secret);

/// <summary>The OAuth endpoints as a service calls them: form posts, HTTP Basic client authentication.</summary>
public static class OAuthCalls
{
    public static async Task<TestClient> CreateClientAsync(this HttpClient api, string staffToken, string[] scopes, string[] audiences)
    {
        var clientId = $"svc-{Guid.NewGuid():N}"[..20];
        using var created = await api.PostJsonAsync("/api/v1/admin/clients", new { client_id = clientId, scopes, audiences }, staffToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        return new TestClient(clientId, body.GetProperty("client_secret").GetString()!);
    }

    public static Task<HttpResponseMessage> RequestTokenAsync(this HttpClient api, TestClient client, string? scope = null) =>
        api.PostFormAsync("/connect/token", client, [("grant_type", "client_credentials"), .. Optional("scope", scope)]);

    public static async Task<string> ClientTokenAsync(this HttpClient api, TestClient client, string? scope = null)
    {
        using var response = await api.RequestTokenAsync(client, scope);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("access_token").GetString()!;
    }

    public static async Task<JsonElement> IntrospectAsync(this HttpClient api, TestClient client, string token)
    {
        using var response = await api.PostFormAsync("/connect/introspect", client, [("token", token)]);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    public static Task<HttpResponseMessage> RevokeTokenAsync(this HttpClient api, TestClient client, string token) =>
        api.PostFormAsync("/connect/revoke", client, [("token", token)]);

    public static Task<HttpResponseMessage> ReadRevocationFeedAsync(this HttpClient api, TestClient client, long? after = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, after is null ? "/connect/revocations" : $"/connect/revocations?after={after}");
        request.Headers.Authorization = Basic(client);
        return api.SendAsync(request);
    }

    public static AuthenticationHeaderValue Basic(TestClient client) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(client.ClientId)}:{Uri.EscapeDataString(client.Secret)}")));

    private static Task<HttpResponseMessage> PostFormAsync(this HttpClient api, string path, TestClient client, (string, string)[] fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))),
        };
        request.Headers.Authorization = Basic(client);
        return api.SendAsync(request);
    }

    private static (string, string)[] Optional(string name, string? value) => value is null ? [] : [(name, value)];
}
