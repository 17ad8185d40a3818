using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using OtpNet;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// An authenticator app (TOTP) and recovery codes, through the JSON API, on a clock the test moves: codes computed here
/// from the enrolled secret with Otp.NET, as an authenticator app computes them.
/// </summary>
[Collection(InProcessCollection.Name)]
public sealed class SecondFactorTests(ServersFixture servers, ITestOutputHelper output) : InProcessTest(servers, output)
{
    [Fact]
    public async Task An_enrolled_app_turns_the_login_into_a_challenge_that_a_fresh_code_finishes_once()
    {
        var (user, totp, recoveryCodes, _) = await EnrolAsync();
        Assert.Equal(10, recoveryCodes.Count);
        Assert.All(recoveryCodes, code => Assert.Matches("^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$", code));
        using (var listed = await Api.GetAsync("/api/v1/user/factors", user.AccessToken))
        {
            var factors = await listed.ReadJsonAsync();
            Assert.True(factors.GetProperty("totp").GetBoolean());
            Assert.Equal(10, factors.GetProperty("recovery_codes_left").GetInt32());
        }

        // The password alone no longer opens a session: a challenge, the factors it takes, how long it lives.
        var challenge = await ChallengeAsync(user);
        // The code that confirmed the app is spent: the same 30-second step is refused.
        using (var replayed = await FinishAsync(challenge, code: totp.ComputeTotp(App.Clock.GetUtcNow().UtcDateTime)))
        {
            await replayed.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
        }
        App.Clock.Advance(TimeSpan.FromSeconds(30));
        using var finished = await FinishAsync(challenge, code: totp.ComputeTotp(App.Clock.GetUtcNow().UtcDateTime));
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        var access = (await finished.ReadJsonAsync()).GetProperty("access_token").GetString();
        using (var me = await Api.GetAsync("/api/v1/user/me", access))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }
        // The challenge is spent with it.
        App.Clock.Advance(TimeSpan.FromSeconds(30));
        using var again = await FinishAsync(challenge, code: totp.ComputeTotp(App.Clock.GetUtcNow().UtcDateTime));
        await again.AssertProblemAsync(HttpStatusCode.BadRequest, "challenge_invalid");
    }

    [Fact]
    public async Task A_code_one_step_off_is_accepted_two_steps_off_refused_and_a_challenge_lives_five_minutes()
    {
        var (user, totp, _, _) = await EnrolAsync();
        App.Clock.Advance(TimeSpan.FromMinutes(2));
        var now = App.Clock.GetUtcNow().UtcDateTime;

        var challenge = await ChallengeAsync(user);
        using (var twoBehind = await FinishAsync(challenge, code: totp.ComputeTotp(now.AddSeconds(-60))))
        {
            await twoBehind.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
        }
        using (var oneBehind = await FinishAsync(challenge, code: totp.ComputeTotp(now.AddSeconds(-30))))
        {
            Assert.Equal(HttpStatusCode.OK, oneBehind.StatusCode);
        }

        var late = await ChallengeAsync(user);
        App.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        using var expired = await FinishAsync(late, code: totp.ComputeTotp(App.Clock.GetUtcNow().UtcDateTime));
        await expired.AssertProblemAsync(HttpStatusCode.BadRequest, "challenge_invalid");
    }

    [Fact]
    public async Task Five_wrong_codes_lock_the_challenge_even_against_the_right_code()
    {
        var (user, totp, _, _) = await EnrolAsync();
        App.Clock.Advance(TimeSpan.FromSeconds(30));
        var challenge = await ChallengeAsync(user);
        var right = totp.ComputeTotp(App.Clock.GetUtcNow().UtcDateTime);
        var wrong = right == "000000" ? "111111" : "000000";
        for (var attempt = 1; attempt < 5; attempt++)
        {
            using var refused = await FinishAsync(challenge, code: wrong);
            var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
            Assert.Equal(5 - attempt, problem.GetProperty("attempts_left").GetInt32());
        }
        using (var fifth = await FinishAsync(challenge, code: wrong))
        {
            await fifth.AssertProblemAsync(HttpStatusCode.BadRequest, "challenge_invalid");
        }
        using var locked = await FinishAsync(challenge, code: right);
        await locked.AssertProblemAsync(HttpStatusCode.BadRequest, "challenge_invalid");
    }

    [Fact]
    public async Task A_recovery_code_works_once_is_mailed_and_audited_and_the_secret_is_sealed_at_rest()
    {
        var (user, _, recoveryCodes, secret) = await EnrolAsync();
        var challenge = await ChallengeAsync(user);
        using (var recovered = await FinishAsync(challenge, recoveryCode: recoveryCodes[3].ToUpperInvariant()))
        {
            Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        }
        using (var reused = await FinishAsync(await ChallengeAsync(user), recoveryCode: recoveryCodes[3]))
        {
            await reused.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
        }
        using (var another = await FinishAsync(await ChallengeAsync(user), recoveryCode: recoveryCodes[4]))
        {
            Assert.Equal(HttpStatusCode.OK, another.StatusCode);
        }
        // Each use is mailed, the second within the minute too (a security notice skips the one-a-minute limit).
        var mails = await Mail.WaitForAsync(user.Email, 2);
        Assert.All(mails, mail => Assert.Contains("recovery code was used", mail.Subject));
        Assert.Contains(mails, mail => mail.Text.Contains("You have 9 unused codes left."));
        Assert.Contains(mails, mail => mail.Text.Contains("You have 8 unused codes left."));
        var (audited, stored) = await App.WithDatabaseAsync(async db => (
            await db.AuditEntries.CountAsync(e => e.ActorId == user.Id && e.Action == AuditActions.UseRecoveryCode),
            await db.TotpAuthenticators.SingleAsync(t => t.UserId == user.Id)));
        Assert.Equal(2, audited);
        Assert.DoesNotContain(Convert.ToHexString(secret), Convert.ToHexString(stored.SealedSecret));
    }

    [Fact]
    public async Task Disabling_the_app_takes_a_code_and_gives_the_password_login_back()
    {
        var (user, totp, _, _) = await EnrolAsync();
        App.Clock.Advance(TimeSpan.FromSeconds(30));
        using (var refused = await Api.PostJsonAsync("/api/v1/user/factors/totp/disable", new { code = "123456" }, user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        using (var disabled = await Api.PostJsonAsync("/api/v1/user/factors/totp/disable",
                   new { code = totp.ComputeTotp(App.Clock.GetUtcNow().UtcDateTime) }, user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, disabled.StatusCode);
        }
        await Api.LoginAsync(user.Email, user.Password);
    }

    [Fact]
    public async Task Changing_the_password_or_e_mail_of_such_an_account_takes_a_fresh_code_and_new_recovery_codes_void_the_old()
    {
        var (user, totp, recoveryCodes, _) = await EnrolAsync();
        using (var bare = await Api.PutJsonAsync("/api/v1/user/update", new { email = $"new-{user.Email}" }, user.AccessToken))
        {
            await bare.AssertProblemAsync(HttpStatusCode.Forbidden, "step_up_required");
        }
        using (var wrong = await Api.PutJsonAsync("/api/v1/user/update",
                   new { email = $"new-{user.Email}", second_factor_code = "000000" }, user.AccessToken))
        {
            await wrong.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
        }
        using (var withRecovery = await Api.PutJsonAsync("/api/v1/user/update",
                   new { email = $"new-{user.Email}", second_factor_code = recoveryCodes[0] }, user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, withRecovery.StatusCode);
        }

        App.Clock.Advance(TimeSpan.FromSeconds(30));
        using var regenerated = await Api.PostJsonAsync("/api/v1/user/factors/recovery-codes",
            new { code = totp.ComputeTotp(App.Clock.GetUtcNow().UtcDateTime) }, user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, regenerated.StatusCode);
        var fresh = (await regenerated.ReadJsonAsync()).GetProperty("recovery_codes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Empty(fresh.Intersect(recoveryCodes));
        using var old = await FinishAsync(await ChallengeAsync(user with { Email = $"new-{user.Email}" }), recoveryCode: recoveryCodes[1]);
        await old.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
    }

    [Fact]
    public async Task Staff_see_a_users_factors_and_reset_them_for_a_lost_phone_audited_and_mailed()
    {
        var (user, _, _, _) = await EnrolAsync();
        var staff = await App.RegisterStaffAsync();
        using (var notStaff = await Api.PostJsonAsync($"/api/v1/admin/users/{user.Id}/reset-factors", new { }, user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, notStaff.StatusCode);
        }
        using (var seen = await Api.GetAsync($"/api/v1/admin/users/{user.Id}/factors", staff.AccessToken))
        {
            var factors = await seen.ReadJsonAsync();
            Assert.True(factors.GetProperty("totp").GetBoolean());
            Assert.Equal(10, factors.GetProperty("recovery_codes_left").GetInt32());
        }
        using (var reset = await Api.PostJsonAsync($"/api/v1/admin/users/{user.Id}/reset-factors", new { }, staff.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        }
        await Api.LoginAsync(user.Email, user.Password); // the password alone again
        var mail = await Mail.WaitForOneAsync(user.Email);
        Assert.Contains("second factors", mail.Subject);
        var audited = await App.WithDatabaseAsync(db => db.AuditEntries.CountAsync(
            e => e.ActorId == staff.Id && e.TargetUserId == user.Id && e.Action == AuditActions.ResetFactors));
        Assert.Equal(1, audited);
    }

    /// <summary>A new account with a confirmed authenticator app: its TOTP (as the app holds it) and its recovery codes.</summary>
    private async Task<(TestUser User, Totp Totp, IReadOnlyList<string> RecoveryCodes, byte[] Secret)> EnrolAsync()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var begun = await Api.PostJsonAsync("/api/v1/user/factors/totp", new { }, user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, begun.StatusCode);
        var enrolment = await begun.ReadJsonAsync();
        var uri = new Uri(enrolment.GetProperty("otpauth_uri").GetString()!);
        Assert.Equal("otpauth", uri.Scheme);
        Assert.StartsWith("data:image/png;base64,", enrolment.GetProperty("qr_code").GetString());
        var secret = Base32Encoding.ToBytes(enrolment.GetProperty("secret").GetString());
        var totp = new Totp(secret);

        // Not confirmed yet: the login is unchanged.
        await Api.LoginAsync(user.Email, user.Password);
        using var confirmed = await Api.PostJsonAsync("/api/v1/user/factors/totp/confirm",
            new { code = totp.ComputeTotp(App.Clock.GetUtcNow().UtcDateTime) }, user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var codes = (await confirmed.ReadJsonAsync()).GetProperty("recovery_codes").EnumerateArray().Select(c => c.GetString()!).ToList();
        return (user, totp, codes, secret);
    }

    private async Task<string> ChallengeAsync(TestUser user)
    {
        using var login = await Api.PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = user.Password });
        var problem = await login.AssertProblemAsync(HttpStatusCode.Unauthorized, "second_factor_required");
        Assert.Equal(["totp", "recovery_code"], problem.GetProperty("factors").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(300, problem.GetProperty("expires_in").GetInt32());
        return problem.GetProperty("challenge").GetString()!;
    }

    private Task<HttpResponseMessage> FinishAsync(string challenge, string? code = null, string? recoveryCode = null) =>
        Api.PostJsonAsync("/api/v1/user/login/second-factor", new { challenge, code, recovery_code = recoveryCode });
}
