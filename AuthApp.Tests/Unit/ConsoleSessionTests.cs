using System.Net.Http.Headers;
using System.Text;
using AuthApp.Admin.Api;
using AuthApp.Admin.Sessions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AuthApp.Tests.Unit;

/// <summary>The staff console's server-side sessions: expiry by idleness and age, single-use form nonces, refresh with rotation.</summary>
public sealed class ConsoleSessionTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
    private readonly IOptions<ConsoleSessionOptions> _options = Options.Create(new ConsoleSessionOptions
    {
        IdleTimeout = TimeSpan.FromMinutes(30),
        AbsoluteLifetime = TimeSpan.FromHours(12),
        RefreshMargin = TimeSpan.FromSeconds(60),
    });
    private readonly IOptions<ConsoleSignInOptions> _signIn = Options.Create(new ConsoleSignInOptions
    {
        Authority = "http://api.test",
        ClientId = "admin",
        ClientSecret = "console-secret",
    });

    [Fact]
    public void A_session_ends_after_the_idle_timeout_unless_used_and_after_its_absolute_lifetime_regardless()
    {
        var store = new ConsoleSessionStore(_clock, _options);
        var idle = NewSession(store);
        var busy = NewSession(store);

        for (var i = 0; i < 24; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(29));
            store.Touch(busy, "198.51.100.7");
        }
        Assert.Null(store.Find(idle.Id));
        Assert.NotNull(store.Find(busy.Id)); // 11.6 h, used every 29 minutes: alive
        _clock.Advance(TimeSpan.FromMinutes(25));
        store.Touch(busy, null);
        Assert.Null(store.Find(busy.Id)); // past 12 h: the absolute end, however recently used
        Assert.Equal("198.51.100.7", busy.ClientAddress);
        Assert.Equal(2, store.RemoveExpired().Count);
    }

    [Fact]
    public void Session_ids_are_long_random_and_never_show_tokens()
    {
        var store = new ConsoleSessionStore(_clock, _options);
        var session = NewSession(store);
        Assert.True(session.Id.Length >= 43);
        Assert.NotEqual(session.Id, NewSession(store).Id);
        Assert.DoesNotContain("access", session.ToString());
    }

    [Fact]
    public void A_form_nonce_is_accepted_once_and_not_after_it_expires()
    {
        var nonces = new FormNonces(_clock);
        var first = nonces.Issue();
        Assert.True(nonces.TryConsume(first));
        Assert.False(nonces.TryConsume(first));
        Assert.False(nonces.TryConsume("made-up"));
        Assert.False(nonces.TryConsume(null));

        var late = nonces.Issue();
        _clock.Advance(TimeSpan.FromMinutes(21));
        Assert.False(nonces.TryConsume(late));
    }

    [Fact]
    public async Task An_expiring_access_token_is_refreshed_once_for_many_concurrent_calls_and_the_pair_rotates()
    {
        var store = new ConsoleSessionStore(_clock, _options);
        var session = NewSession(store, accessLifetime: TimeSpan.FromMinutes(15));
        var api = new RefreshingApi();
        var tokens = new SessionTokens(new ApiAuthClient(api.Client), store, _options, _signIn, _clock, NullLogger<SessionTokens>.Instance);

        Assert.Equal("access-0", await tokens.AccessTokenAsync(session, CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(14) + TimeSpan.FromSeconds(1)); // inside the refresh margin

        var all = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => tokens.AccessTokenAsync(session, CancellationToken.None)));
        Assert.All(all, token => Assert.Equal("access-1", token));
        Assert.Equal(["refresh-0"], api.PresentedRefreshTokens);
        Assert.Equal("refresh-1", session.RefreshToken);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(15), session.AccessExpiresAt);
    }

    [Fact]
    public async Task A_refused_refresh_ends_the_console_session()
    {
        var store = new ConsoleSessionStore(_clock, _options);
        var session = NewSession(store, accessLifetime: TimeSpan.FromSeconds(30));
        var api = new RefreshingApi { Refuse = true };
        var tokens = new SessionTokens(new ApiAuthClient(api.Client), store, _options, _signIn, _clock, NullLogger<SessionTokens>.Instance);

        await Assert.ThrowsAsync<ConsoleSessionEndedException>(() => tokens.AccessTokenAsync(session, CancellationToken.None));
        Assert.Null(store.Find(session.Id));
    }

    [Fact]
    public async Task A_session_opened_through_AuthApp_refreshes_at_the_token_endpoint_as_the_consoles_client()
    {
        var store = new ConsoleSessionStore(_clock, _options);
        var session = NewSession(store, accessLifetime: TimeSpan.FromSeconds(30), idToken: "id-token-0");
        var api = new RefreshingApi();
        var tokens = new SessionTokens(new ApiAuthClient(api.Client), store, _options, _signIn, _clock, NullLogger<SessionTokens>.Instance);

        Assert.Equal("access-1", await tokens.AccessTokenAsync(session, CancellationToken.None));
        Assert.Equal(["refresh-0"], api.PresentedRefreshTokens);
        Assert.Equal("refresh-1", session.RefreshToken);
        Assert.Equal("/connect/token grant_type=refresh_token&refresh_token=refresh-0&client_id=admin&client_secret=console-secret",
            api.Requests.Single());
    }

    private ConsoleSession NewSession(ConsoleSessionStore store, TimeSpan? accessLifetime = null, string? idToken = null) =>
        store.Create(Guid.NewGuid(), "staffer", "203.0.113.5", "access-0", "refresh-0",
            _clock.GetUtcNow() + (accessLifetime ?? TimeSpan.FromMinutes(15)), idToken);

    /// <summary>
    /// The API's refresh route (a header) and its token endpoint (a form): each refresh token works once and yields the next
    /// numbered pair.
    /// </summary>
    private sealed class RefreshingApi : HttpMessageHandler
    {
        private int _issued;

        public bool Refuse { get; init; }
        public List<string> PresentedRefreshTokens { get; } = [];
        public List<string> Requests { get; } = [];
        public HttpClient Client => new(this) { BaseAddress = new Uri("http://api.test") };

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            var form = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            var presented = path == "/connect/token"
                ? System.Web.HttpUtility.ParseQueryString(form)["refresh_token"]!
                : request.Headers.GetValues(ApiAuthClient.RefreshTokenHeader).Single();
            Assert.Contains(path, new[] { "/api/v1/user/refresh", "/connect/token" });
            lock (PresentedRefreshTokens)
            {
                PresentedRefreshTokens.Add(presented);
                Requests.Add($"{path} {form}".Trim());
            }
            await Task.Delay(20, cancellationToken); // long enough for concurrent callers to pile up
            if (Refuse)
            {
                return Json(HttpStatusCode.Unauthorized, """{"status":401,"code":"refresh_token_revoked","detail":"The refresh token has been revoked."}""", "application/problem+json");
            }
            var next = Interlocked.Increment(ref _issued);
            return Json(HttpStatusCode.OK, $$"""{"access_token":"access-{{next}}","refresh_token":"refresh-{{next}}","token_type":"Bearer","expires_in":900}""", "application/json");
        }

        private static HttpResponseMessage Json(HttpStatusCode status, string body, string mediaType) =>
            new(status) { Content = new StringContent(body, Encoding.UTF8) { Headers = { ContentType = new MediaTypeHeaderValue(mediaType) } } };
    }
}
