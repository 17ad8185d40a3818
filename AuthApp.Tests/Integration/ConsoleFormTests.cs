using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace AuthApp.Tests.Integration;

/// <summary>The console's forms at the HTTP level: forged and replayed posts are refused, and the circuit opens only from its own pages.</summary>
[Collection(AppHostCollection.Name)]
public sealed class ConsoleFormTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    [Fact]
    public async Task A_sign_in_post_without_the_antiforgery_token_is_refused()
    {
        var form = await GetSignInFormAsync();
        using var forged = await PostAsync("/signin", form.Cookies, SignInFields(form, includeAntiforgery: false, TestSecrets.SuperuserPassword));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.False(SetsSessionCookie(forged));
    }

    [Fact]
    public async Task A_replayed_sign_in_post_is_refused_even_with_valid_antiforgery_data()
    {
        var form = await GetSignInFormAsync();
        var fields = SignInFields(form, includeAntiforgery: true, TestSecrets.SuperuserPassword);

        using var first = await PostAsync("/signin", form.Cookies, fields);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/users", new Uri(Fixture.Admin, first.Headers.Location!).AbsolutePath);
        Assert.True(SetsSessionCookie(first));

        using var replay = await PostAsync("/signin", form.Cookies, fields);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Contains("This sign-in form was already used or has expired.", await replay.Content.ReadAsStringAsync());
        Assert.False(SetsSessionCookie(replay));
    }

    [Fact]
    public async Task A_sign_out_post_without_the_antiforgery_token_is_refused()
    {
        var form = await GetSignInFormAsync();
        using var forged = await PostAsync("/signout", form.Cookies, [new("reason", "user")]);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task The_circuit_cannot_be_opened_from_another_site()
    {
        using var client = NewClient();
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        crossSite.Headers.Add("Origin", "https://evil.example");
        using var refused = await client.SendAsync(crossSite);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var sameSite = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        sameSite.Headers.Add("Origin", Fixture.Admin.GetLeftPart(UriPartial.Authority));
        using var allowed = await client.SendAsync(sameSite);
        Assert.NotEqual(HttpStatusCode.Forbidden, allowed.StatusCode);
    }

    [Fact]
    public async Task Pages_carry_security_headers_and_need_a_signed_in_staff_member()
    {
        using var client = NewClient();
        using var signIn = await client.GetAsync("/signin");
        Assert.Equal("DENY", signIn.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", signIn.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", signIn.Headers.GetValues("X-Content-Type-Options").Single());

        foreach (var page in new[] { "/users", "/keys", "/audit", $"/users/{Guid.NewGuid()}" })
        {
            using var anonymous = await client.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
            Assert.StartsWith("/signin?returnUrl=", anonymous.Headers.Location?.PathAndQuery ?? anonymous.Headers.Location?.OriginalString);
        }
    }

    private sealed record SignInForm(string Antiforgery, string Nonce, string Cookies);

    private async Task<SignInForm> GetSignInFormAsync()
    {
        using var client = NewClient();
        using var response = await client.GetAsync("/signin");
        var html = await response.Content.ReadAsStringAsync();
        var cookies = string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        return new SignInForm(HiddenValue(html, "__RequestVerificationToken"), HiddenValue(html, "Input.Nonce"), cookies);
    }

    private static List<KeyValuePair<string, string>> SignInFields(SignInForm form, bool includeAntiforgery, string password)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("_handler", "signin"),
            new("Input.Identifier", "root@example.com"),
            new("Input.Password", password),
            new("Input.Nonce", form.Nonce),
            new("Input.ReturnUrl", ""),
        };
        if (includeAntiforgery)
        {
            fields.Add(new("__RequestVerificationToken", form.Antiforgery));
        }
        return fields;
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string cookies, List<KeyValuePair<string, string>> fields)
    {
        using var client = NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Cookie", cookies);
        return await client.SendAsync(request);
    }

    private static bool SetsSessionCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("authapp-console=", StringComparison.Ordinal) && !c.Contains("expires=Thu, 01 Jan 1970"));

    private static string HiddenValue(string html, string name)
    {
        var input = Regex.Match(html, $"<input[^>]*name=\"{Regex.Escape(name)}\"[^>]*>").Value;
        var value = Regex.Match(input, "value=\"([^\"]*)\"");
        Assert.True(value.Success, $"no hidden field {name} on the sign-in page");
        return System.Net.WebUtility.HtmlDecode(value.Groups[1].Value);
    }

    private HttpClient NewClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = Fixture.Admin };
}
