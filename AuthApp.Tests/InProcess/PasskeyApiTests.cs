using System.Text.Json;
using AuthApp.Api.Factors;
using AuthApp.Data;
using AuthApp.Data.Factors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// Passkeys through the JSON API: the options each ceremony hands the browser (what WebAuthn needs to make and use a
/// passkey), the second step a passkey adds to a password login, step-up, and bad answers refused as problems. The
/// ceremonies themselves, with a real authenticator, are in Integration/PasskeyBrowserTests.
/// </summary>
[Collection(InProcessCollection.Name)]
public sealed class PasskeyApiTests(ServersFixture servers, ITestOutputHelper output)
    : InProcessTest(servers, output, ("Passkeys:RelyingPartyId", "localhost"), ("Passkeys:Origins:0", "http://localhost"))
{
    [Fact]
    public async Task Registration_asks_for_a_discoverable_passkey_that_verifies_the_person_with_no_attestation()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var begun = await Api.PostJsonAsync("/api/v1/user/passkeys/options", new { }, user.AccessToken);
        var answer = await begun.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, begun.StatusCode);
        Assert.True(Guid.TryParse(answer.GetProperty("ceremony").GetString(), out _));
        var options = answer.GetProperty("options");
        Assert.Equal("localhost", options.GetProperty("rp").GetProperty("id").GetString());
        Assert.Equal(Base64Url(user.Id.ToByteArray()), options.GetProperty("user").GetProperty("id").GetString());
        Assert.Equal("required", options.GetProperty("authenticatorSelection").GetProperty("residentKey").GetString());
        Assert.Equal("required", options.GetProperty("authenticatorSelection").GetProperty("userVerification").GetString());
        Assert.Equal("none", options.GetProperty("attestation").GetString());
        Assert.True(options.GetProperty("challenge").GetString()!.Length >= 22); // 16 random bytes or more
    }

    [Fact]
    public async Task A_passkey_alone_is_asked_for_any_discoverable_credential_with_user_verification()
    {
        using var begun = await Api.PostJsonAsync("/api/v1/user/login/passkey/options", new { });
        var options = (await begun.ReadJsonAsync()).GetProperty("options");
        Assert.Equal("localhost", options.GetProperty("rpId").GetString());
        Assert.Equal("required", options.GetProperty("userVerification").GetString());
        Assert.Empty(options.GetProperty("allowCredentials").EnumerateArray());
    }

    [Fact]
    public async Task An_account_with_a_passkey_needs_it_after_the_password_and_to_change_the_password()
    {
        var user = await Api.RegisterAndLoginAsync();
        var credentialId = await GivePasskeyAsync(user.Id);

        using var login = await Api.PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = user.Password });
        var problem = await login.AssertProblemAsync(HttpStatusCode.Unauthorized, "second_factor_required");
        Assert.Equal(["passkey"], problem.GetProperty("factors").EnumerateArray().Select(f => f.GetString()));
        var challenge = problem.GetProperty("challenge").GetString();
        using (var begun = await Api.PostJsonAsync("/api/v1/user/login/second-factor/passkey-options", new { challenge }))
        {
            var allowed = (await begun.ReadJsonAsync()).GetProperty("options").GetProperty("allowCredentials");
            Assert.Equal(Base64Url(credentialId), Assert.Single(allowed.EnumerateArray()).GetProperty("id").GetString());
        }
        // A code is no answer for an account whose only factor is a passkey; nor is a made-up passkey answer.
        using (var coded = await Api.PostJsonAsync("/api/v1/user/login/second-factor", new { challenge, code = "123456" }))
        {
            await coded.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
        }
        using (var forged = await Api.PostJsonAsync("/api/v1/user/login/second-factor",
            new { challenge, passkey = new { ceremony = Guid.NewGuid(), credential = ForgedAssertion(credentialId) } }))
        {
            await forged.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
        }

        using var changed = await Api.PutJsonAsync("/api/v1/user/update",
            new { password = "An0ther-Strong-Passw0rd", confirm_password = "An0ther-Strong-Passw0rd", current_password = user.Password },
            user.AccessToken);
        var refused = await changed.AssertProblemAsync(HttpStatusCode.Forbidden, "step_up_required");
        Assert.Contains("second_factor_passkey", refused.GetProperty("detail").GetString());
        // Nor can a token alone set up an authenticator app, whose codes would then pass every step-up.
        using var app = await Api.PostJsonAsync("/api/v1/user/factors/totp", new { }, user.AccessToken);
        await app.AssertProblemAsync(HttpStatusCode.Forbidden, "step_up_required");
    }

    [Fact]
    public async Task Through_the_JSON_API_a_passkey_is_registered_signs_in_alone_finishes_a_password_login_and_a_copy_is_refused()
    {
        var user = await Api.RegisterAndLoginAsync();
        var passkey = new SoftPasskey("localhost", "http://localhost");
        string passkeyId;
        using (var begun = await Api.PostJsonAsync("/api/v1/user/passkeys/options", new { }, user.AccessToken))
        {
            var ceremony = await begun.ReadJsonAsync();
            using var registered = await Api.PostJsonAsync("/api/v1/user/passkeys", new
            {
                ceremony = ceremony.GetProperty("ceremony").GetString(), name = "Bench key",
                credential = passkey.Register(ceremony.GetProperty("options")),
            }, user.AccessToken);
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            var created = await registered.ReadJsonAsync();
            Assert.Equal("Bench key", created.GetProperty("name").GetString());
            passkeyId = created.GetProperty("id").GetString()!;
        }

        // Alone: the tokens of the passkey's account.
        var (ceremonyId, options) = await BeginAsync("/api/v1/user/login/passkey/options", new { });
        var answer = passkey.Assert(options);
        using (var signedIn = await Api.PostJsonAsync("/api/v1/user/login/passkey", new { ceremony = ceremonyId, credential = answer }))
        {
            var body = await signedIn.ReadJsonAsync();
            Assert.Equal(user.Id.ToString(), body.GetProperty("user").GetProperty("id").GetString());
            using var me = await Api.GetAsync("/api/v1/user/me", body.GetProperty("access_token").GetString());
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }
        // The same answer again: its ceremony is spent.
        using (var replayed = await Api.PostJsonAsync("/api/v1/user/login/passkey", new { ceremony = ceremonyId, credential = answer }))
        {
            await replayed.AssertProblemAsync(HttpStatusCode.BadRequest, "passkey_invalid");
        }

        // After the password: the challenge, then the passkey.
        using var login = await Api.PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = user.Password });
        var challenge = (await login.AssertProblemAsync(HttpStatusCode.Unauthorized, "second_factor_required")).GetProperty("challenge").GetString();
        (ceremonyId, options) = await BeginAsync("/api/v1/user/login/second-factor/passkey-options", new { challenge });
        using (var finished = await Api.PostJsonAsync("/api/v1/user/login/second-factor",
            new { challenge, passkey = new { ceremony = ceremonyId, credential = passkey.Assert(options) } }))
        {
            Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        }

        // A copy taken before those two uses: its counter is behind, and it is refused.
        passkey.SignCount = 0;
        (ceremonyId, options) = await BeginAsync("/api/v1/user/login/passkey/options", new { });
        using var cloned = await Api.PostJsonAsync("/api/v1/user/login/passkey", new { ceremony = ceremonyId, credential = passkey.Assert(options) });
        var refused = await cloned.AssertProblemAsync(HttpStatusCode.BadRequest, "passkey_invalid");
        Assert.Contains("copied", refused.GetProperty("detail").GetString());
        // So is a counter of 0 from a passkey that has counted (Fido2 alone would let 0 through).
        passkey.SignCount = uint.MaxValue; // the next answer says 0
        (ceremonyId, options) = await BeginAsync("/api/v1/user/login/passkey/options", new { });
        using (var zero = await Api.PostJsonAsync("/api/v1/user/login/passkey", new { ceremony = ceremonyId, credential = passkey.Assert(options) }))
        {
            await zero.AssertProblemAsync(HttpStatusCode.BadRequest, "passkey_invalid");
        }
        // An answer Fido2 cannot even read (its origin is no URI) is a 400 too, not a 500.
        passkey.Origin = "::not an origin::";
        (ceremonyId, options) = await BeginAsync("/api/v1/user/login/passkey/options", new { });
        using (var unreadable = await Api.PostJsonAsync("/api/v1/user/login/passkey", new { ceremony = ceremonyId, credential = passkey.Assert(options) }))
        {
            await unreadable.AssertProblemAsync(HttpStatusCode.BadRequest, "passkey_invalid");
        }
        passkey.Origin = "http://localhost";

        // Removing it is a change of factors: it takes step-up, here the passkey itself; then the password alone signs in.
        passkey.SignCount = 100;
        using (var unproven = await Api.PostJsonAsync($"/api/v1/user/passkeys/{passkeyId}/remove", new { }, user.AccessToken))
        {
            await unproven.AssertProblemAsync(HttpStatusCode.Forbidden, "step_up_required");
        }
        using (var begun = await Api.PostJsonAsync("/api/v1/user/passkeys/assertion-options", new { }, user.AccessToken))
        {
            var ceremony = await begun.ReadJsonAsync();
            using var removed = await Api.PostJsonAsync($"/api/v1/user/passkeys/{passkeyId}/remove", new
            {
                second_factor_passkey = new { ceremony = ceremony.GetProperty("ceremony").GetString(), credential = passkey.Assert(ceremony.GetProperty("options")) },
            }, user.AccessToken);
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }
        await Api.LoginAsync(user.Email, user.Password);
    }

    private async Task<(string Ceremony, JsonElement Options)> BeginAsync(string path, object body)
    {
        using var begun = await Api.PostJsonAsync(path, body);
        Assert.Equal(HttpStatusCode.OK, begun.StatusCode);
        var json = await begun.ReadJsonAsync();
        return (json.GetProperty("ceremony").GetString()!, json.GetProperty("options"));
    }

    [Fact]
    public async Task Bad_answers_are_problems_and_nothing_is_stored()
    {
        var user = await Api.RegisterAndLoginAsync();
        using (var notJson = await Api.PostJsonAsync("/api/v1/user/login/passkey", new { ceremony = Guid.NewGuid(), credential = "x" }))
        {
            await notJson.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        }
        using (var unknown = await Api.PostJsonAsync("/api/v1/user/login/passkey",
            new { ceremony = Guid.NewGuid(), credential = ForgedAssertion([1, 2, 3]) }))
        {
            await unknown.AssertProblemAsync(HttpStatusCode.BadRequest, "passkey_invalid");
        }
        using (var begun = await Api.PostJsonAsync("/api/v1/user/passkeys/options", new { }, user.AccessToken))
        {
            var ceremony = (await begun.ReadJsonAsync()).GetProperty("ceremony").GetString();
            using var nameless = await Api.PostJsonAsync("/api/v1/user/passkeys", new { ceremony, name = "", credential = new { } },
                user.AccessToken);
            await nameless.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
            using var garbage = await Api.PostJsonAsync("/api/v1/user/passkeys",
                new { ceremony, name = "Laptop", credential = new { id = "!", rawId = "!", type = "public-key", response = new { } } },
                user.AccessToken);
            Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        }
        using (var renamed = await Api.PatchJsonAsync($"/api/v1/user/passkeys/{Guid.NewGuid()}", new { name = "x" }, user.AccessToken))
        {
            await renamed.AssertProblemAsync(HttpStatusCode.NotFound, "factor_not_found");
        }
        using var listed = await Api.GetAsync("/api/v1/user/passkeys", user.AccessToken);
        Assert.Empty((await listed.ReadJsonAsync()).EnumerateArray());
    }

    [Theory]
    [InlineData("127.0.0.1", "http://127.0.0.1:5000", "domain name")]
    [InlineData("example.com", "https://evil.test", "not on Passkeys:RelyingPartyId")]
    [InlineData("example.com", "http://auth.example.com", "must use https")]
    [InlineData("example.com", "https://auth.example.com/path", "not an origin")]
    public void A_relying_party_no_browser_would_accept_stops_start_up(string rpId, string origin, string message)
    {
        var result = new PasskeyOptionsValidator().Validate(null, new PasskeyOptions { RelyingPartyId = rpId, Origins = [origin] });
        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage);
        Assert.True(new PasskeyOptionsValidator().Validate(null,
            new PasskeyOptions { RelyingPartyId = "example.com", Origins = ["https://auth.example.com"] }).Succeeded);
    }

    /// <summary>A passkey as registration would leave it (the key itself is never used here).</summary>
    private async Task<byte[]> GivePasskeyAsync(Guid userId)
    {
        var credentialId = Guid.NewGuid().ToByteArray();
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        db.Passkeys.Add(new Passkey
        {
            Id = Guid.NewGuid(), UserId = userId, CredentialId = credentialId, PublicKey = new byte[77], Name = "Phone",
            CreatedAt = App.Clock.GetUtcNow(),
        });
        await db.SaveChangesAsync();
        return credentialId;
    }

    private static object ForgedAssertion(byte[] credentialId) => new
    {
        id = Base64Url(credentialId), rawId = Base64Url(credentialId), type = "public-key",
        response = new { authenticatorData = Base64Url(new byte[37]), signature = Base64Url(new byte[70]), clientDataJSON = Base64Url("{}"u8.ToArray()) },
        clientExtensionResults = new { },
    };

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
