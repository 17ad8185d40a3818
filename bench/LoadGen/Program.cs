// Closed-loop HTTP load generator for bench/compare.sh: N clients, each sending its next request when the last answered.
//   LoadGen bare    <url>                                   GET
//   LoadGen login   <url> <json body>                       POST the body (each request from its own X-Forwarded-For)
//   LoadGen refresh <url> <style> <token,token,...>         each client follows its own rotation chain;
//        style "authapp": header X-Refresh-Token, answer field refresh_token; style "identity": body {"refreshToken"}, answer field refreshToken
//   LoadGen revocation <authapp> <service> <json login body> <n>
//        n times: log in, see the service accept the access token, log out, poll the service every 5 ms until it refuses
//        the token; prints the delay from the logout's answer: n=… p50=… p99=… max=… (ms)
//   LoadGen login-totp <authapp> <accounts>                 two-request logins with an authenticator app (FactorLogins)
//   LoadGen login-passkey <authapp> <origin>                passkey sign-ins with a software passkey (FactorLogins)
//   LoadGen sessions <authapp> <json login body> <n> <file> / LoadGen logout <authapp> <file>   (Sessions)
// Options (environment): CLIENTS (8), SECONDS (10). Prints one line: rps=… p50=… p99=… ok=… errors=…
using System.Diagnostics;
using System.Text;
using System.Text.Json;

var mode = args[0];
var url = args[1];
if (mode == "revocation")
{
    await RevocationLatency.MeasureAsync(url, args[2], args[3], int.Parse(args[4]));
    return;
}
var clients = int.Parse(Environment.GetEnvironmentVariable("CLIENTS") ?? "8");
var seconds = double.Parse(Environment.GetEnvironmentVariable("SECONDS") ?? "10");
if (mode == "sessions")
{
    await Sessions.CreateAsync(url, args[2], int.Parse(args[3]), args[4]);
    return;
}
if (mode == "logout")
{
    await Sessions.LogoutAsync(url, args[2], clients);
    return;
}
if (mode == "login-totp")
{
    await FactorLogins.MeasureTotpAsync(url, clients, seconds, int.Parse(args[2]));
    return;
}
if (mode == "login-passkey")
{
    await FactorLogins.MeasurePasskeyAsync(url, args[2], clients, seconds);
    return;
}
var refreshStyle = mode == "refresh" ? args[2] : "";
var chains = mode == "refresh" ? args[3].Split(',') : [];
if (mode == "refresh" && chains.Length < clients)
{
    throw new ArgumentException($"refresh needs {clients} tokens, got {chains.Length}");
}

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseProxy = false })
{
    Timeout = TimeSpan.FromSeconds(30),
};
var latencies = new List<double>[clients];
var errors = new int[clients];
var counter = 0;
var stopwatch = Stopwatch.StartNew();
var end = TimeSpan.FromSeconds(seconds);

async Task Client(int index)
{
    var mine = latencies[index] = new List<double>(4096);
    var token = mode == "refresh" ? chains[index] : "";
    while (stopwatch.Elapsed < end)
    {
        var n = Interlocked.Increment(ref counter);
        using var request = new HttpRequestMessage(mode == "bare" ? HttpMethod.Get : HttpMethod.Post, url);
        request.Headers.Add("X-Forwarded-For", $"198.51.{n / 250 % 250}.{n % 250 + 1}");
        if (mode == "login")
        {
            request.Content = new StringContent(args[2], Encoding.UTF8, "application/json");
        }
        else if (mode == "refresh" && refreshStyle == "authapp")
        {
            request.Headers.Add("X-Refresh-Token", token);
        }
        else if (mode == "refresh")
        {
            request.Content = new StringContent(JsonSerializer.Serialize(new { refreshToken = token }), Encoding.UTF8, "application/json");
        }
        var started = stopwatch.Elapsed;
        try
        {
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            mine.Add((stopwatch.Elapsed - started).TotalMilliseconds);
            if (!response.IsSuccessStatusCode)
            {
                errors[index]++;
                if (mode == "refresh")
                {
                    return; // a broken chain cannot go on
                }
                continue;
            }
            if (mode == "refresh")
            {
                using var json = JsonDocument.Parse(body);
                token = json.RootElement.GetProperty(refreshStyle == "authapp" ? "refresh_token" : "refreshToken").GetString()!;
            }
        }
        catch (Exception) when (stopwatch.Elapsed < end + TimeSpan.FromSeconds(30))
        {
            errors[index]++;
        }
    }
}

await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(() => Client(i))));
var elapsed = stopwatch.Elapsed.TotalSeconds;
var all = latencies.SelectMany(l => l).Order().ToArray();
var ok = all.Length - errors.Sum();
double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
Console.WriteLine($"rps={ok / elapsed:F1} p50={Percentile(0.50):F2} p99={Percentile(0.99):F2} ok={ok} errors={errors.Sum()}");
