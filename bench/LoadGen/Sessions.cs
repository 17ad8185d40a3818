using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;

/// <summary>
/// Sessions made and ended in bulk, for bench/sizing.sh (what a session and a revocation cost in PostgreSQL and Redis):
///   sessions <authapp> <json login body> <n> <file> — n logins (8 at a time, each from its own address), their
///                                                    access and refresh tokens written to the file, one pair a line;
///                                                    prints rps=… ok=n errors=0 (any failed login stops it)
///   logout   <authapp> <file>                       — every pair of the file logged out, closed loop, CLIENTS clients;
///                                                    prints rps=… p50=… p99=… ok=… errors=… (stops early when done)
/// </summary>
static class Sessions
{
    public static async Task CreateAsync(string api, string body, int count, string file)
    {
        using var http = NewClient(8);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var pairs = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, api + "/api/v1/user/login")
            {
                Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Forwarded-For", $"100.64.{i / 250 % 250}.{i % 250 + 1}");
            using var response = await http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            var json = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            pairs.Add($"{json.GetProperty("access_token").GetString()} {json.GetProperty("refresh_token").GetString()}");
        });
        await File.WriteAllLinesAsync(file, pairs);
        Console.WriteLine($"rps={count / clock.Elapsed.TotalSeconds:F1} ok={count} errors=0");
    }

    public static async Task LogoutAsync(string api, string file, int clients)
    {
        using var http = NewClient(clients);
        // Each client its own share of the pairs, so that no client counts an iteration with nothing left to log out.
        var lines = await File.ReadAllLinesAsync(file);
        var shares = Enumerable.Range(0, clients).Select(c => new Queue<string>(lines.Where((_, i) => i % clients == c))).ToArray();
        await ClosedLoop.RunAsync(clients, double.MaxValue, async (_, client) =>
        {
            var pair = shares[client].Dequeue().Split(' ');
            var (access, refresh) = (pair[0], pair[1]);
            using var request = new HttpRequestMessage(HttpMethod.Post, api + "/api/v1/user/logout");
            request.Headers.Authorization = new("Bearer", access);
            request.Headers.Add("X-Refresh-Token", refresh);
            using var response = await http.SendAsync(request);
            return response.IsSuccessStatusCode;
        }, client => shares[client].Count == 0);
    }

    private static HttpClient NewClient(int clients) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
}
