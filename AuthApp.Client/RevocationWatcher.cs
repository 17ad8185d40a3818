using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthApp.Client;

/// <summary>
/// This service's copy of AuthApp's ended sessions, kept current by reading AuthApp's revocation feed
/// (<c>GET /connect/revocations?after=n</c>) every <see cref="AuthAppClientSettings.RevocationPollInterval"/>.
/// Each session is remembered until the last token it could have signed expires. A token check is a dictionary
/// lookup; no request waits for AuthApp.
/// </summary>
public sealed class RevocationWatcher(
    IHttpClientFactory http, IOptions<AuthAppClientSettings> settings, AuthAppEndpoint endpoint, TimeProvider time,
    ILogger<RevocationWatcher> logger) : BackgroundService
{
    public const string HttpClientName = "AuthApp.RevocationFeed";

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _revoked = new();
    private long _after = -1;
    private long _lastSuccessTicks;

    /// <summary>When the feed was last read successfully (null: never).</summary>
    public DateTimeOffset? LastSuccess => Interlocked.Read(ref _lastSuccessTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    /// <summary>Whether the feed is fresh enough to vouch for a token.</summary>
    public bool IsCurrent => LastSuccess is { } last && time.GetUtcNow() - last <= settings.Value.RevocationMaxStaleness;

    public bool IsRevoked(Guid sessionId) => _revoked.ContainsKey(sessionId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var more = false;
            try
            {
                more = await ReadOnceAsync(stoppingToken);
                failures = 0;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Logged once per outage, not every poll.
                if (failures++ == 0)
                {
                    logger.LogWarning("Cannot read AuthApp's revocation feed: {Reason}", ex.Message);
                }
            }
            if (!more)
            {
                await Task.Delay(settings.Value.RevocationPollInterval, time, stoppingToken);
            }
        }
    }

    internal async Task<bool> ReadOnceAsync(CancellationToken ct)
    {
        var client = http.CreateClient(HttpClientName);
        var query = _after >= 0 ? $"connect/revocations?after={_after}" : "connect/revocations";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint.BaseUri, query));
        request.Headers.Authorization = BasicCredentials(settings.Value);
        using var response = await client.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        var page = await response.Content.ReadFromJsonAsync<FeedPage>(ct) ?? throw new InvalidOperationException("Empty feed page.");
        if (page.Highest < _after)
        {
            _revoked.Clear(); // AuthApp's numbering went back (a restored database): start over from its snapshot
        }
        foreach (var session in page.Sessions)
        {
            _revoked[session.Sid] = session.Until;
        }
        _after = page.Highest;
        Interlocked.Exchange(ref _lastSuccessTicks, time.GetUtcNow().UtcTicks);
        Prune();
        return page.More;
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (sid, until) in _revoked)
        {
            if (until < now)
            {
                _revoked.TryRemove(sid, out _);
            }
        }
    }

    internal static AuthenticationHeaderValue BasicCredentials(AuthAppClientSettings settings) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $"{Uri.EscapeDataString(settings.ClientId ?? "")}:{Uri.EscapeDataString(settings.ClientSecret ?? "")}")));

    private sealed record FeedPage(
        [property: JsonPropertyName("highest")] long Highest,
        [property: JsonPropertyName("sessions")] List<FeedSession> Sessions,
        [property: JsonPropertyName("more")] bool More);

    private sealed record FeedSession([property: JsonPropertyName("sid")] Guid Sid, [property: JsonPropertyName("until")] DateTimeOffset Until);
}
