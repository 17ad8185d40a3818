using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OtpNet;

/// <summary>
/// Logins with a second factor, measured like the password login (closed loop, each login from its own address):
///   login-totp    — POST /user/login (the password: 401 and a challenge), then POST /user/login/second-factor with a code
///                   of the account's authenticator app. A code is good once per account and 30-second step (and the
///                   one that confirmed the app is spent), so each enrolled account serves one login.
///   login-passkey — POST /user/login/passkey/options, then POST /user/login/passkey with a software passkey's answer;
///                   one account and passkey per client, so each passkey's counter only moves forward.
/// Set-up (accounts, enrolment) is not measured.
/// </summary>
static class FactorLogins
{
    private const string Password = "Bench-Pass-Horse-42";

    public static async Task MeasureTotpAsync(string api, int clients, double seconds, int accounts)
    {
        using var http = NewClient(clients);
        var enrolled = new System.Collections.Concurrent.ConcurrentBag<(string Email, Totp Totp)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, accounts), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var (email, access) = await NewAccountAsync(http, api, i);
            using var begun = await SendAsync(http, api, "/api/v1/user/factors/totp", new { }, access);
            var totp = new Totp(Base32Encoding.ToBytes((await begun.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("secret").GetString()));
            using var confirmed = await SendAsync(http, api, "/api/v1/user/factors/totp/confirm", new { code = totp.ComputeTotp() }, access);
            confirmed.EnsureSuccessStatusCode();
            enrolled.Add((email, totp));
        });
        var queue = new System.Collections.Concurrent.ConcurrentQueue<(string Email, Totp Totp)>(enrolled);
        await ClosedLoop.RunAsync(clients, seconds, async n =>
        {
            if (!queue.TryDequeue(out var account))
            {
                throw new InvalidOperationException($"all {accounts} accounts used: give login-totp more");
            }
            using var login = await SendAsync(http, api, "/api/v1/user/login", new { email = account.Email, password = Password }, address: n);
            if (login.StatusCode != HttpStatusCode.Unauthorized)
            {
                return false;
            }
            var challenge = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("challenge").GetString();
            // The next step's code, which the ±1 step of drift accepts: later than the confirming one, whenever it is sent.
            var code = account.Totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30));
            using var finished = await SendAsync(http, api, "/api/v1/user/login/second-factor", new { challenge, code }, address: n);
            return finished.IsSuccessStatusCode;
        });
    }

    public static async Task MeasurePasskeyAsync(string api, string origin, int clients, double seconds)
    {
        using var http = NewClient(clients);
        var passkeys = new SoftPasskey[clients];
        for (var i = 0; i < clients; i++)
        {
            var (_, access) = await NewAccountAsync(http, api, i);
            var passkey = passkeys[i] = new SoftPasskey(new Uri(origin).Host, origin);
            using var begun = await SendAsync(http, api, "/api/v1/user/passkeys/options", new { }, access);
            var ceremony = await begun.Content.ReadFromJsonAsync<JsonElement>();
            using var registered = await SendAsync(http, api, "/api/v1/user/passkeys", new
            {
                ceremony = ceremony.GetProperty("ceremony").GetString(), name = "bench", credential = passkey.Register(ceremony.GetProperty("options")),
            }, access);
            registered.EnsureSuccessStatusCode();
        }
        await ClosedLoop.RunAsync(clients, seconds, async (n, client) =>
        {
            using var begun = await SendAsync(http, api, "/api/v1/user/login/passkey/options", new { }, address: n);
            var ceremony = await begun.Content.ReadFromJsonAsync<JsonElement>();
            using var signedIn = await SendAsync(http, api, "/api/v1/user/login/passkey", new
            {
                ceremony = ceremony.GetProperty("ceremony").GetString(), credential = passkeys[client].Assert(ceremony.GetProperty("options")),
            }, address: n);
            return signedIn.IsSuccessStatusCode;
        });
    }

    private static HttpClient NewClient(int clients) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(clients, 8), UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<(string Email, string Access)> NewAccountAsync(HttpClient http, string api, int i)
    {
        var name = $"f{Guid.NewGuid():N}"[..20];
        var email = $"{name}@example.com";
        using var created = await SendAsync(http, api, "/api/v1/user/create", new { username = name, email, password = Password }, address: i);
        created.EnsureSuccessStatusCode();
        using var login = await SendAsync(http, api, "/api/v1/user/login", new { email, password = Password }, address: i);
        login.EnsureSuccessStatusCode();
        return (email, (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string api, string path, object body, string? access = null, int address = 0)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, api + path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Forwarded-For", $"203.0.{address / 250 % 250}.{address % 250 + 1}");
        if (access is not null)
        {
            request.Headers.Authorization = new("Bearer", access);
        }
        return http.SendAsync(request);
    }
}

/// <summary>N clients, each starting its next iteration when the last ended; prints rps=… p50=… p99=… ok=… errors=….</summary>
static class ClosedLoop
{
    public static Task RunAsync(int clients, double seconds, Func<int, Task<bool>> iteration, Func<int, bool>? done = null) =>
        RunAsync(clients, seconds, (n, _) => iteration(n), done);

    /// <param name="done">Ends a client's run before its time when true for its index (its share of the work done).</param>
    public static async Task RunAsync(int clients, double seconds, Func<int, int, Task<bool>> iteration, Func<int, bool>? done = null)
    {
        var latencies = new List<double>[clients];
        var errors = new int[clients];
        var counter = 0;
        var clock = Stopwatch.StartNew();
        var end = seconds >= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var mine = latencies[client] = [];
            while (clock.Elapsed < end && done?.Invoke(client) != true)
            {
                var started = clock.Elapsed;
                var ok = await iteration(Interlocked.Increment(ref counter), client);
                mine.Add((clock.Elapsed - started).TotalMilliseconds);
                errors[client] += ok ? 0 : 1;
            }
        })));
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var succeeded = all.Length - errors.Sum();
        double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
        Console.WriteLine($"rps={succeeded / clock.Elapsed.TotalSeconds:F1} p50={Percentile(0.50):F2} p99={Percentile(0.99):F2} ok={succeeded} errors={errors.Sum()}");
    }
}
