using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

/// <summary>How long a logout takes to reach a service that validates AuthApp's tokens itself (the client integration).</summary>
static class RevocationLatency
{
    public static async Task MeasureAsync(string authApp, string service, string loginBody, int times)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var delays = new List<double>(times);
        for (var i = 0; i < times; i++)
        {
            var tokens = await LoginAsync(http, authApp, loginBody, i);
            if (await StatusAsync(http, service, tokens.Access) != HttpStatusCode.OK)
            {
                throw new InvalidOperationException("the service refused a fresh token");
            }
            using var logout = new HttpRequestMessage(HttpMethod.Post, $"{authApp}/api/v1/user/logout");
            logout.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Access);
            logout.Headers.Add("X-Refresh-Token", tokens.Refresh);
            (await http.SendAsync(logout)).EnsureSuccessStatusCode();
            var clock = Stopwatch.StartNew();
            while (await StatusAsync(http, service, tokens.Access) == HttpStatusCode.OK)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(10))
                {
                    throw new InvalidOperationException("the service still accepted the token 10 s after the logout");
                }
                await Task.Delay(5);
            }
            delays.Add(clock.Elapsed.TotalMilliseconds);
            await Task.Delay(Random.Shared.Next(0, 250)); // not in step with the service's polling
        }
        var sorted = delays.Order().ToArray();
        double P(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        Console.WriteLine($"n={sorted.Length} p50={P(0.5):F0} p99={P(0.99):F0} max={sorted[^1]:F0}");
    }

    private static async Task<(string Access, string Refresh)> LoginAsync(HttpClient http, string authApp, string body, int i)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{authApp}/api/v1/user/login")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Forwarded-For", $"203.0.113.{i % 250 + 1}");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (json.RootElement.GetProperty("access_token").GetString()!, json.RootElement.GetProperty("refresh_token").GetString()!);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string service, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{service}/whoami");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
