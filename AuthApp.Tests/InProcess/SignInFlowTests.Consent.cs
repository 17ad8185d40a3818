using System.Text.RegularExpressions;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.WebUtilities;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// A third-party app (registered by staff with redirect URIs, not first-party) needs the person's consent: asked once,
/// remembered for its scopes, refusable (the app gets <c>access_denied</c>), never asked under <c>prompt=none</c>
/// (<c>consent_required</c>), and withdrawable from the account page, which signs the app out.
/// </summary>
public sealed partial class SignInFlowTests
{
    [Fact]
    public async Task A_third_party_app_is_allowed_once_remembered_and_signed_out_when_the_consent_is_withdrawn()
    {
        var user = await Api.RegisterAndLoginAsync();
        var app = await RegisterThirdPartyAppAsync();
        var disco = await DiscoverAsync();

        // Signed in, but not yet allowed: prompt=none says so to the app, without showing a page.
        var pkce = Pkce.New();
        await SignInAsync(user, AuthorizeUrl(app.ClientId, pkce, "n-1"));
        using (var silent = await Api.GetAsync(AuthorizeUrl(app.ClientId, pkce, "n-1") + "&prompt=none", accessToken: null))
        {
            Assert.Equal("consent_required", QueryHelpers.ParseQuery(silent.Headers.Location!.Query)["error"].ToString());
        }

        // The consent page names the app and what it asks for; allowing sends the browser back with a code.
        var consent = await ConsentPageAsync(AuthorizeUrl(app.ClientId, pkce, "n-1"));
        Assert.Contains("Allow Orders by Example Ltd?", consent.Html);
        Assert.Contains("See your e-mail address", consent.Html);
        using (var allowed = await PostConsentAsync(consent, "allow"))
        {
            Assert.StartsWith("/connect/authorize?", allowed.Headers.Location!.OriginalString);
        }
        using var http = App.CreateClient();
        var tokens = await http.RequestAuthorizationCodeTokenAsync(CodeRequest(disco, app, await CodeAsync(AuthorizeUrl(app.ClientId, pkce, "n-1")),
            pkce.Verifier));
        Assert.False(tokens.IsError, tokens.Raw);

        // Remembered: the next sign-in to the app asks nothing.
        var again = Pkce.New();
        Assert.NotEmpty(await CodeAsync(AuthorizeUrl(app.ClientId, again, "n-2")));

        // Withdrawn from the account page: the app's tokens stop working, and the next sign-in asks again.
        var account = await SignInFormAsync("/account");
        Assert.Contains(app.ClientId, account.Html);
        using (var withdrawn = await PostFormAsync("/account?handler=Withdraw", account.Antiforgery, ("clientId", app.ClientId)))
        {
            Assert.Equal(HttpStatusCode.Redirect, withdrawn.StatusCode);
        }
        using var me = await Api.GetAsync("/api/v1/user/me", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        using var asksAgain = await Api.GetAsync(AuthorizeUrl(app.ClientId, Pkce.New(), "n-3"), accessToken: null);
        Assert.StartsWith("/account/consent?returnUrl=", asksAgain.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Refusing_a_third_party_app_sends_access_denied_back_to_it()
    {
        var user = await Api.RegisterAndLoginAsync();
        var app = await RegisterThirdPartyAppAsync();
        var pkce = Pkce.New();
        await SignInAsync(user, AuthorizeUrl(app.ClientId, pkce, "n-1"));

        var consent = await ConsentPageAsync(AuthorizeUrl(app.ClientId, pkce, "n-1"));
        using var refused = await PostConsentAsync(consent, "deny");
        using var back = await Api.GetAsync(refused.Headers.Location!.OriginalString, accessToken: null);
        Assert.StartsWith(RedirectUri, back.Headers.Location!.AbsoluteUri);
        var query = QueryHelpers.ParseQuery(back.Headers.Location.Query);
        Assert.Equal("access_denied", query["error"].ToString());
        Assert.Equal("xyz", query["state"].ToString());
    }

    [Fact]
    public async Task Staff_register_sign_in_clients_only_with_redirect_uris_that_keep_codes_safe()
    {
        var staff = await App.RegisterStaffAsync();
        foreach (var bad in new[] { "http://app.example/cb", "https://app.example/cb#frag", "/relative", "javascript:alert(1)" })
        {
            using var refused = await Api.PostJsonAsync("/api/v1/admin/clients",
                new { client_id = $"bad-{Guid.NewGuid():N}"[..16], redirect_uris = new[] { bad } }, staff.AccessToken);
            var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
            Assert.NotEmpty(problem.FieldErrors("redirect_uris"));
        }
        using var loopback = await Api.PostJsonAsync("/api/v1/admin/clients", new
        {
            client_id = $"cli-{Guid.NewGuid():N}"[..16], redirect_uris = new[] { "http://127.0.0.1:7777/callback" }, first_party = true,
        }, staff.AccessToken);
        Assert.Equal(HttpStatusCode.Created, loopback.StatusCode);
        var client = (await loopback.ReadJsonAsync()).GetProperty("client");
        Assert.Equal("http://127.0.0.1:7777/callback", client.GetProperty("redirect_uris")[0].GetString());
        Assert.False(client.GetProperty("consent_required").GetBoolean());
    }

    private sealed record ConsentForm(string Html, string Antiforgery, string ReturnUrl);

    /// <summary>Signed in, the authorize request goes to the consent page; its form, read.</summary>
    private async Task<ConsentForm> ConsentPageAsync(string authorize)
    {
        using var asked = await Api.GetAsync(authorize, accessToken: null);
        var consentPath = asked.Headers.Location!.OriginalString;
        Assert.StartsWith("/account/consent?returnUrl=", consentPath);
        var page = await SignInFormAsync(consentPath);
        return new ConsentForm(page.Html, page.Antiforgery, page.ReturnUrl!);
    }

    private Task<HttpResponseMessage> PostConsentAsync(ConsentForm form, string decision) =>
        PostFormAsync("/account/consent", form.Antiforgery, ("returnUrl", form.ReturnUrl), ("decision", decision));

    private Task<HttpResponseMessage> PostFormAsync(string path, string antiforgery, params (string Name, string Value)[] fields)
    {
        var values = fields.ToDictionary(f => f.Name, f => f.Value);
        values["__RequestVerificationToken"] = antiforgery;
        return Api.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(values) });
    }

    /// <summary>A third-party app, as staff register it through the API: a confidential client with a redirect URI.</summary>
    private async Task<(string ClientId, string? Secret)> RegisterThirdPartyAppAsync()
    {
        var staff = await App.RegisterStaffAsync();
        using var created = await Api.PostJsonAsync("/api/v1/admin/clients", new
        {
            client_id = $"orders-{Guid.NewGuid():N}"[..20],
            display_name = "Orders by Example Ltd",
            redirect_uris = new[] { RedirectUri },
            post_logout_redirect_uris = new[] { PostLogoutUri },
        }, staff.AccessToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        Assert.True(body.GetProperty("client").GetProperty("consent_required").GetBoolean());
        return (body.GetProperty("client").GetProperty("client_id").GetString()!, body.GetProperty("client_secret").GetString());
    }
}
