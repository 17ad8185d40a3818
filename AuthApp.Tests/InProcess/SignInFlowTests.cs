using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AuthApp.Data.OAuth;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// People sign in to an app through AuthApp: authorization code with PKCE through the sign-in page, driven by a
/// standard OAuth 2.0 client library no one here wrote (Duende.IdentityModel: discovery, code and refresh requests,
/// userinfo), the browser played by an HttpClient that keeps cookies and follows redirects by hand.
/// </summary>
[Collection(InProcessCollection.Name)]
public sealed partial class SignInFlowTests(ServersFixture servers, ITestOutputHelper output) : InProcessTest(servers, output,
    ("Jwt:SigningAlgorithm", "ES256"), ("Jwt:Issuer", Authority), ("Throttling:LoginPerAddress:Limit", "5"))
{
    private const string Authority = "http://localhost/";
    private const string RedirectUri = "https://app.example/signin-oidc";
    private const string PostLogoutUri = "https://app.example/signout-callback-oidc";
    private const string Scope = "openid profile email offline_access";

    [Fact]
    public async Task A_standard_client_completes_code_with_PKCE_userinfo_refresh_and_end_session()
    {
        var user = await Api.RegisterAndLoginAsync();
        var app = await RegisterAppAsync(confidential: true);
        var disco = await DiscoverAsync();
        Assert.Equal(Authority, disco.Issuer);
        Assert.Contains("S256", disco.CodeChallengeMethodsSupported);
        Assert.DoesNotContain("plain", disco.CodeChallengeMethodsSupported);

        var pkce = Pkce.New();
        var code = await SignInAndGetCodeAsync(user, app.ClientId, pkce, nonce: "n-123");
        using var http = App.CreateClient();
        var tokens = await http.RequestAuthorizationCodeTokenAsync(CodeRequest(disco, app, code, pkce.Verifier));
        Assert.False(tokens.IsError, tokens.Raw);

        // The ID token: signed with a published key, for this app, this user, the nonce sent, the sign-in's time.
        var id = await ValidateAsync(tokens.IdentityToken!, disco, app.ClientId);
        Assert.Equal(user.Id.ToString(), id.Subject);
        Assert.Equal("n-123", id.GetClaim("nonce").Value);
        Assert.Equal(user.Username, id.GetClaim("preferred_username").Value);
        Assert.InRange(DateTimeOffset.FromUnixTimeSeconds(long.Parse(id.GetClaim("auth_time").Value)), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        // The access token works on AuthApp's own routes and at userinfo.
        using var me = await Api.GetAsync("/api/v1/user/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var info = await http.GetUserInfoAsync(new UserInfoRequest { Address = disco.UserInfoEndpoint, Token = tokens.AccessToken });
        Assert.False(info.IsError, info.Raw);
        Assert.Equal(user.Id.ToString(), info.Json?.GetProperty("sub").GetString());
        Assert.Equal(user.Email, info.Json?.GetProperty("email").GetString());

        // Refresh rotates: the new pair works, the spent token presented again ends the session.
        var refreshed = await http.RequestRefreshTokenAsync(RefreshRequest(disco, app, tokens.RefreshToken!));
        Assert.False(refreshed.IsError, refreshed.Raw);
        Assert.NotEqual(tokens.RefreshToken, refreshed.RefreshToken);
        Assert.NotNull(refreshed.IdentityToken);
        using var stillMe = await Api.GetAsync("/api/v1/user/me", refreshed.AccessToken);
        Assert.Equal(HttpStatusCode.OK, stillMe.StatusCode);

        // The user sees the app's session, opened from the browser's, in their list.
        using var list = await Api.GetAsync("/api/v1/user/sessions", user.AccessToken);
        var kinds = (await list.ReadJsonAsync()).GetProperty("sessions").EnumerateArray()
            .Select(s => (s.GetProperty("kind").GetString(), s.GetProperty("client_id").GetString())).ToList();
        Assert.Contains(("app", app.ClientId), kinds);
        Assert.Contains(("browser", null), kinds);

        // RP-initiated logout: back to the app's registered address, the tokens dead, the browser signed out.
        var endSession = new RequestUrl(disco.EndSessionEndpoint!).CreateEndSessionUrl(idTokenHint: tokens.IdentityToken,
            postLogoutRedirectUri: PostLogoutUri, state: "bye");
        using var ended = await Api.GetAsync(endSession, accessToken: null);
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.StartsWith(PostLogoutUri + "?state=bye", ended.Headers.Location!.AbsoluteUri);
        using var revoked = await Api.GetAsync("/api/v1/user/me", refreshed.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        using var again = await Api.GetAsync(AuthorizeUrl(app.ClientId, Pkce.New(), "n"), accessToken: null);
        Assert.StartsWith("/account/signin", again.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_spent_refresh_token_ends_the_session_and_one_of_twenty_concurrent_refreshes_wins()
    {
        var user = await Api.RegisterAndLoginAsync();
        var app = await RegisterAppAsync(confidential: false);
        var disco = await DiscoverAsync();
        var tokens = await CodeTokensAsync(user, app, disco);

        using var http = App.CreateClient();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => http.RequestRefreshTokenAsync(RefreshRequest(disco, app, tokens.RefreshToken!))));
        var winner = Assert.Single(attempts, a => !a.IsError);
        Assert.All(attempts.Where(a => a.IsError), a => Assert.Equal("invalid_grant", a.Error));

        // The losers presented a spent token: reuse, so the session — the winner's pair too — has ended.
        var afterReuse = await http.RequestRefreshTokenAsync(RefreshRequest(disco, app, winner.RefreshToken!));
        Assert.Equal("invalid_grant", afterReuse.Error);
        using var me = await Api.GetAsync("/api/v1/user/me", winner.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task A_code_redeemed_twice_ends_what_the_first_redemption_opened()
    {
        var user = await Api.RegisterAndLoginAsync();
        var app = await RegisterAppAsync(confidential: false);
        var disco = await DiscoverAsync();
        var pkce = Pkce.New();
        var code = await SignInAndGetCodeAsync(user, app.ClientId, pkce, "n");
        using var http = App.CreateClient();
        var request = CodeRequest(disco, app, code, pkce.Verifier);
        var first = await http.RequestAuthorizationCodeTokenAsync(request);
        Assert.False(first.IsError, first.Raw);
        var second = await http.RequestAuthorizationCodeTokenAsync(request);
        Assert.Equal("invalid_grant", second.Error);
        using var me = await Api.GetAsync("/api/v1/user/me", first.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task PKCE_is_required_with_S256_a_wrong_verifier_and_another_apps_redirect_are_refused()
    {
        var user = await Api.RegisterAndLoginAsync();
        var app = await RegisterAppAsync(confidential: false);
        await SignInAsync(user, AuthorizeUrl(app.ClientId, Pkce.New(), "n"));

        // Without PKCE, with "plain", or to an unregistered address: an error, and no redirect to the app.
        var withoutPkce = AuthorizeUrl(app.ClientId, Pkce.New(), "n").Split("&code_challenge")[0];
        await AssertRefusedAsync(withoutPkce);
        await AssertRefusedAsync(AuthorizeUrl(app.ClientId, Pkce.New(), "n").Replace("code_challenge_method=S256", "code_challenge_method=plain"));
        var elsewhere = AuthorizeUrl(app.ClientId, Pkce.New(), "n").Replace(Uri.EscapeDataString(RedirectUri), Uri.EscapeDataString("https://evil.example/cb"));
        using var evil = await Api.GetAsync(elsewhere, accessToken: null);
        Assert.Equal(HttpStatusCode.BadRequest, evil.StatusCode);
        Assert.Null(evil.Headers.Location);

        // A code with the wrong verifier is refused.
        var code = await CodeAsync(AuthorizeUrl(app.ClientId, Pkce.New(), "n"));
        using var http = App.CreateClient();
        var disco = await DiscoverAsync();
        var wrong = await http.RequestAuthorizationCodeTokenAsync(CodeRequest(disco, app, code, Pkce.New().Verifier));
        Assert.Equal("invalid_grant", wrong.Error);
    }

    [Fact]
    public async Task The_sign_in_page_never_redirects_off_site_and_shows_the_login_message()
    {
        var user = await Api.RegisterAndLoginAsync();
        var form = await SignInFormAsync("/account/signin?returnUrl=https%3A%2F%2Fevil.example%2F");
        Assert.Contains("<label for=\"identifier\">", form.Html);
        using var wrong = await PostSignInAsync(form, user.Email, "not-the-password", "https://evil.example/");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("Invalid credentials.", await wrong.Content.ReadAsStringAsync());
        Assert.Contains("default-src 'none'", wrong.Headers.GetValues("Content-Security-Policy").Single());

        using var right = await PostSignInAsync(form, user.Username, user.Password, "https://evil.example/");
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal("/account", right.Headers.Location!.OriginalString);
        foreach (var trick in new[] { "//evil.example/", "/\\evil.example", "/connect/authorize@evil.example" })
        {
            Assert.Equal("/account", (await SignInRedirectAsync(user, trick)).OriginalString);
        }

        // The JSON login's per-address limit (5 a minute here) counts the page's attempts too.
        // Outside the ranges other tests draw random addresses from: this one stays limited for a minute.
        var address = $"2001:db8:ffff::{Random.Shared.Next(1, 0xffff):x}";
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var counted = await PostSignInAsync(form, user.Email, "not-the-password", null, address);
            Assert.Equal(HttpStatusCode.BadRequest, counted.StatusCode);
        }
        using var limited = await PostSignInAsync(form, user.Email, user.Password, null, address);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter is not null);

        // Without the antiforgery token the form is refused.
        using var forged = await Api.PostAsync("/account/signin", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["identifier"] = user.Email, ["password"] = user.Password }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    /// <summary>
    /// An authorize request refused, never with a code: OpenIddict checks PKCE before the redirect URI, so it answers the
    /// browser itself (400, invalid_request) rather than sending an error to an address it has not yet checked.
    /// </summary>
    private async Task AssertRefusedAsync(string authorize)
    {
        using var response = await Api.GetAsync(authorize, accessToken: null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest && body.Contains("error:invalid_request"),
            $"{(int)response.StatusCode} {response.Headers.Location} {body}");
    }

    // ----- the app's requests (Duende.IdentityModel), and the browser by hand -----

    /// <summary>Redeem a code as the app does: its id (and secret, when confidential), the redirect URI, the PKCE verifier.</summary>
    private static AuthorizationCodeTokenRequest CodeRequest(DiscoveryDocumentResponse disco, (string ClientId, string? Secret) app,
        string code, string verifier) => new()
    {
        Address = disco.TokenEndpoint, ClientId = app.ClientId, ClientSecret = app.Secret, Code = code, RedirectUri = RedirectUri,
        CodeVerifier = verifier,
    };

    private static RefreshTokenRequest RefreshRequest(DiscoveryDocumentResponse disco, (string ClientId, string? Secret) app,
        string refreshToken) => new()
    {
        Address = disco.TokenEndpoint, ClientId = app.ClientId, ClientSecret = app.Secret, RefreshToken = refreshToken,
    };

    private async Task<TokenResponse> CodeTokensAsync(TestUser user, (string ClientId, string? Secret) app, DiscoveryDocumentResponse disco)
    {
        var pkce = Pkce.New();
        var code = await SignInAndGetCodeAsync(user, app.ClientId, pkce, "n");
        using var http = App.CreateClient();
        var tokens = await http.RequestAuthorizationCodeTokenAsync(CodeRequest(disco, app, code, pkce.Verifier));
        Assert.False(tokens.IsError, tokens.Raw);
        return tokens;
    }

    private async Task<string> SignInAndGetCodeAsync(TestUser user, string clientId, Pkce pkce, string nonce)
    {
        var authorize = AuthorizeUrl(clientId, pkce, nonce);
        await SignInAsync(user, authorize);
        return await CodeAsync(authorize);
    }

    /// <summary>Not signed in: authorize sends the browser to the sign-in page, whose form sends it back.</summary>
    private async Task SignInAsync(TestUser user, string authorize)
    {
        using var first = await Api.GetAsync(authorize, accessToken: null);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var signIn = first.Headers.Location!.OriginalString;
        Assert.StartsWith("/account/signin?returnUrl=", signIn);
        var form = await SignInFormAsync(signIn);
        using var posted = await PostSignInAsync(form, user.Email, user.Password, form.ReturnUrl);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.StartsWith("/connect/authorize?", posted.Headers.Location!.OriginalString);
    }

    /// <summary>Signed in: authorize redirects straight back to the app with a code and the state.</summary>
    private async Task<string> CodeAsync(string authorize)
    {
        using var response = await Api.GetAsync(authorize, accessToken: null);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(RedirectUri, location.AbsoluteUri);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("xyz", query["state"].ToString());
        return query["code"].ToString();
    }

    private sealed record SignInForm(string Html, string Antiforgery, string? ReturnUrl);

    private async Task<SignInForm> SignInFormAsync(string path)
    {
        using var page = await Api.GetAsync(path, accessToken: null);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var returnUrl = Regex.Match(html, "name=\"returnUrl\" value=\"([^\"]*)\"").Groups[1].Value;
        return new SignInForm(html, token, System.Net.WebUtility.HtmlDecode(returnUrl));
    }

    /// <summary>The form posted from <paramref name="address"/> (by default one of its own: the page counts per address).</summary>
    private Task<HttpResponseMessage> PostSignInAsync(SignInForm form, string identifier, string password, string? returnUrl,
        string? address = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/account/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["identifier"] = identifier, ["password"] = password, ["returnUrl"] = returnUrl ?? "",
                ["__RequestVerificationToken"] = form.Antiforgery,
            }),
        };
        request.Headers.Add("X-Forwarded-For", address ?? $"198.51.100.{Random.Shared.Next(1, 255)}");
        return Api.SendAsync(request);
    }

    private async Task<Uri> SignInRedirectAsync(TestUser user, string returnUrl)
    {
        var form = await SignInFormAsync("/account/signin");
        using var posted = await PostSignInAsync(form, user.Email, user.Password, returnUrl);
        return posted.Headers.Location!;
    }

    private static string AuthorizeUrl(string clientId, Pkce pkce, string nonce) =>
        new RequestUrl("/connect/authorize").CreateAuthorizeUrl(clientId: clientId, responseType: "code", scope: Scope,
            redirectUri: RedirectUri, state: "xyz", nonce: nonce, codeChallenge: pkce.Challenge, codeChallengeMethod: "S256");

    private async Task<DiscoveryDocumentResponse> DiscoverAsync()
    {
        using var http = App.CreateClient();
        var disco = await http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = Authority, Policy = { RequireHttps = false, ValidateEndpoints = false },
        });
        Assert.False(disco.IsError, disco.Error);
        return disco;
    }

    private static async Task<JsonWebToken> ValidateAsync(string idToken, DiscoveryDocumentResponse disco, string clientId)
    {
        var keys = new JsonWebKeySet(disco.KeySet!.RawData ?? System.Text.Json.JsonSerializer.Serialize(disco.KeySet));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = Authority, ValidAudience = clientId, IssuerSigningKeys = keys.GetSigningKeys(), ValidAlgorithms = ["ES256"],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    /// <summary>
    /// An app people sign in to, declared as the AppHost declares it (<c>SignsPeopleIn()</c>, a public one with
    /// <c>AsPublicClient()</c>: a SPA, no secret) and written by the migration worker's seeder, twice (it is idempotent).
    /// </summary>
    private async Task<(string ClientId, string? Secret)> RegisterAppAsync(bool confidential, bool allowSignUp = false)
    {
        var clientId = $"web-{Guid.NewGuid():N}"[..20];
        var secret = confidential ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(36)) : null;
        var declared = new MigrationService.DeclaredClient
        {
            ClientId = clientId, Secret = secret, Public = !confidential, RedirectUris = [RedirectUri],
            PostLogoutRedirectUris = [PostLogoutUri], AllowSignUp = allowSignUp,
        };
        for (var run = 0; run < 2; run++)
        {
            await using var seeding = App.Services.CreateAsyncScope();
            await new MigrationService.ClientSeeder(seeding.ServiceProvider.GetRequiredService<OAuthClientManager>(),
                Microsoft.Extensions.Options.Options.Create(new MigrationService.DeclaredClientsOptions { Clients = [declared] }),
                Microsoft.Extensions.Logging.Abstractions.NullLogger<MigrationService.ClientSeeder>.Instance).SeedAsync(default);
        }
        return (clientId, secret);
    }

    private sealed record Pkce(string Verifier, string Challenge)
    {
        public static Pkce New()
        {
            var verifier = CryptoRandom.CreateUniqueId(32);
            return new Pkce(verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
        }
    }
}
