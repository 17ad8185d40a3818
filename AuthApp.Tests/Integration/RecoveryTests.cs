using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace AuthApp.Tests.Integration;

/// <summary>
/// Password reset and address confirmation through the whole app: the API writes mail to its outbox, the
/// sender delivers it over SMTP to the AppHost's smtp4dev, and the tests read it from smtp4dev's API.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class RecoveryTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    private const string NewPassword = "Fresh-Meadow-Lantern-77";
    private MailInbox Mail => Fixture.Mail;

    private Task<HttpResponseMessage> ForgotAsync(string email, string? forwardedFor = null) =>
        Api.PostJsonAsync("/api/v1/user/password/forgot", new { email }, forwardedFor: forwardedFor);

    private Task<HttpResponseMessage> ResetAsync(string token, string password = NewPassword) =>
        Api.PostJsonAsync("/api/v1/user/password/reset", new { token, password, confirm_password = password });

    private Task<HttpResponseMessage> ConfirmAsync(string token) => Api.PostJsonAsync("/api/v1/user/email/confirm", new { token });

    [Fact]
    public async Task Forgot_mails_a_link_whose_token_resets_the_password_once_and_ends_every_session()
    {
        var user = await Api.RegisterAndLoginAsync();
        var otherDevice = await Api.LoginAsync(user.Email, user.Password);

        using (var forgot = await ForgotAsync(user.Email))
        {
            Assert.Equal(HttpStatusCode.Accepted, forgot.StatusCode);
        }
        var mail = await Mail.WaitForOneAsync(user.Email);
        Assert.Contains("Reset your AuthApp password", mail.Subject);
        Assert.Contains(user.Username, mail.Text);
        Assert.Contains("30 minutes", mail.Text);
        Assert.Contains($"reset-password#token={mail.Token}", mail.Html);

        using (var reset = await ResetAsync(mail.Token))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        }

        using (var oldPassword = await Api.PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = user.Password }))
        {
            await oldPassword.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_credentials");
        }
        await Api.LoginAsync(user.Email, NewPassword);
        foreach (var access in new[] { user.AccessToken, otherDevice.Access })
        {
            using var me = await Api.GetAsync("/api/v1/user/me", access);
            await me.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_revoked");
        }
        using (var refresh = await Api.RefreshAsync(otherDevice.Refresh))
        {
            await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_revoked");
        }

        using var again = await ResetAsync(mail.Token, "Another-Quiet-Harbour-31");
        await again.AssertProblemAsync(HttpStatusCode.BadRequest, "account_token_invalid");
        Assert.DoesNotContain(Fixture.ApiLogs, line => line.Contains(mail.Token, StringComparison.Ordinal));
        Assert.Null(await ScalarAsync("SELECT sealed_body FROM outbox_messages WHERE normalized_recipient = @p AND sent_at IS NOT NULL", user.Email.ToLowerInvariant()));
    }

    [Fact]
    public async Task A_reset_voids_older_reset_links_and_a_weak_password_spends_nothing()
    {
        var user = await Api.RegisterAndLoginAsync();
        using (await ForgotAsync(user.Email)) { }
        var first = await Mail.WaitForOneAsync(user.Email);

        using (var weak = await ResetAsync(first.Token, "password"))
        {
            var problem = await weak.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
            Assert.NotEmpty(problem.FieldErrors("password"));
        }
        using (var mismatch = await Api.PostJsonAsync("/api/v1/user/password/reset", new { token = first.Token, password = NewPassword, confirm_password = "other" }))
        {
            var problem = await mismatch.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
            Assert.NotEmpty(problem.FieldErrors("confirm_password"));
        }

        // A second live link, written straight to the database: a second forgot within the minute would not mail one.
        var secondToken = await IssueResetTokenDirectlyAsync(user.Id);
        using (var reset = await ResetAsync(first.Token))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        }
        Assert.NotNull(await ScalarAsync("SELECT used_at FROM account_tokens WHERE id = @p", secondToken));
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("inactive")]
    public async Task An_unknown_or_inactive_address_gets_the_same_202_and_no_mail(string kind)
    {
        var known = await Api.RegisterAndLoginAsync();
        string address;
        if (kind == "unknown")
        {
            address = $"{ApiClient.NewUsername()}@example.com";
        }
        else
        {
            var inactive = await Api.RegisterAndLoginAsync();
            var staff = (await Api.LoginAsync("root@example.com", TestSecrets.SuperuserPassword)).Access;
            using var deactivate = await Api.PostJsonAsync($"/api/v1/admin/users/{inactive.Id}/deactivate", new { }, staff);
            Assert.Equal(HttpStatusCode.OK, deactivate.StatusCode);
            address = inactive.Email;
        }

        using var forAddress = await ForgotAsync(address);
        using var forKnown = await ForgotAsync(known.Email);
        Assert.Equal(HttpStatusCode.Accepted, forAddress.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, forKnown.StatusCode);
        Assert.Equal(await forKnown.Content.ReadAsStringAsync(), await forAddress.Content.ReadAsStringAsync());
        Assert.Equal(forKnown.Content.Headers.ContentType?.ToString(), forAddress.Content.Headers.ContentType?.ToString());

        // Requests are handled in order: once the known address's mail is here, the other one was decided.
        await Mail.WaitForOneAsync(known.Email);
        Assert.Empty(await Mail.MessagesToAsync(address));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM outbox_messages WHERE normalized_recipient = @p", address.ToLowerInvariant()));
    }

    [Fact]
    public async Task A_flood_of_forgot_requests_for_one_address_is_throttled_and_mails_once()
    {
        var user = await Api.RegisterAndLoginAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await ForgotAsync(user.Email); // each from another client address
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(50));
            }
        }
        HttpStatusCode[] expected = [.. Enumerable.Repeat(HttpStatusCode.Accepted, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)];
        Assert.Equal(expected, statuses);

        // Requests are handled in order: once a later address's mail is here, every request of the flood was decided.
        var marker = await Api.RegisterAndLoginAsync();
        using (await ForgotAsync(marker.Email)) { }
        await Mail.WaitForOneAsync(marker.Email);
        Assert.Single(await Mail.MessagesToAsync(user.Email));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM outbox_messages WHERE normalized_recipient = @p", user.Email.ToLowerInvariant()));
    }

    [Fact]
    public async Task Forgot_is_throttled_per_client_address_too()
    {
        var address = $"2001:db8::{Random.Shared.Next(0x1000, 0xffff):x}";
        for (var i = 0; i < 100; i++) // Development: 100 per address per minute
        {
            using var allowed = await ForgotAsync($"{ApiClient.NewUsername()}@example.com", address);
            Assert.Equal(HttpStatusCode.Accepted, allowed.StatusCode);
        }
        using var limited = await ForgotAsync($"{ApiClient.NewUsername()}@example.com", address);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task Resend_mails_a_confirmation_that_verifies_the_address_for_the_profile_and_staff()
    {
        var user = await Api.RegisterAndLoginAsync();
        var before = await (await Api.GetAsync("/api/v1/user/me", user.AccessToken)).ReadJsonAsync();
        Assert.False(before.GetProperty("email_verified").GetBoolean());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("email_verified_at").ValueKind);

        using (var resend = await Api.PostJsonAsync("/api/v1/user/email/resend", new { }, user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        }
        using (var tooSoon = await Api.PostJsonAsync("/api/v1/user/email/resend", new { }, user.AccessToken))
        {
            await tooSoon.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        }
        var mail = await Mail.WaitForOneAsync(user.Email);
        Assert.Contains("Confirm your e-mail address", mail.Subject);

        using (var wrongPurpose = await ResetAsync(mail.Token))
        {
            await wrongPurpose.AssertProblemAsync(HttpStatusCode.BadRequest, "account_token_invalid");
        }
        using (var confirm = await ConfirmAsync(mail.Token))
        {
            Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        }
        var after = await (await Api.GetAsync("/api/v1/user/me", user.AccessToken)).ReadJsonAsync();
        Assert.True(after.GetProperty("email_verified").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, after.GetProperty("email_verified_at").ValueKind);

        var staff = (await Api.LoginAsync("root@example.com", TestSecrets.SuperuserPassword)).Access;
        var listed = await (await Api.GetAsync($"/api/v1/admin/users?search={user.Username}", staff)).ReadJsonAsync();
        Assert.True(listed.GetProperty("results")[0].GetProperty("email_verified").GetBoolean());

        using (var spent = await ConfirmAsync(mail.Token))
        {
            await spent.AssertProblemAsync(HttpStatusCode.BadRequest, "account_token_invalid");
        }
        using var already = await Api.PostJsonAsync("/api/v1/user/email/resend", new { }, user.AccessToken);
        await already.AssertProblemAsync(HttpStatusCode.Conflict, "email_already_verified");
    }

    [Fact]
    public async Task Changing_the_address_unverifies_it_mails_the_new_one_and_voids_links_sent_to_the_old()
    {
        var user = await Api.RegisterAndLoginAsync();
        using (await ForgotAsync(user.Email)) { }
        var resetMail = await Mail.WaitForOneAsync(user.Email);

        var newEmail = $"{ApiClient.NewUsername()}@example.org";
        using (var update = await Api.PutJsonAsync("/api/v1/user/update", new { email = newEmail }, user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
            var profile = (await update.ReadJsonAsync()).GetProperty("user");
            Assert.False(profile.GetProperty("email_verified").GetBoolean());
        }
        var confirmation = await Mail.WaitForOneAsync(newEmail);
        Assert.Contains("confirm-email#token=", confirmation.Text);

        using (var oldLink = await ResetAsync(resetMail.Token))
        {
            await oldLink.AssertProblemAsync(HttpStatusCode.BadRequest, "account_token_invalid");
        }
        using (var confirm = await ConfirmAsync(confirmation.Token))
        {
            Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        }
        var me = await (await Api.GetAsync("/api/v1/user/me", user.AccessToken)).ReadJsonAsync();
        Assert.Equal(newEmail, me.GetProperty("email").GetString());
        Assert.True(me.GetProperty("email_verified").GetBoolean());
    }

    [Fact]
    public async Task Malformed_unknown_spent_and_wrong_purpose_tokens_get_one_and_the_same_400()
    {
        var user = await Api.RegisterAndLoginAsync();
        using (await ForgotAsync(user.Email)) { }
        var resetToken = (await Mail.WaitForOneAsync(user.Email)).Token;
        var unknown = Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(new byte[32]).ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var tampered = resetToken[..^1] + (resetToken[^1] == 'A' ? 'B' : 'A');
        var bodies = new List<string>();
        foreach (var token in new[] { "abc", new string('x', 5000), "é".PadRight(64, 'é'), unknown, tampered, resetToken + "=", " " + resetToken })
        {
            using var reset = await ResetAsync(token);
            var problem = await reset.AssertProblemAsync(HttpStatusCode.BadRequest, "account_token_invalid");
            bodies.Add(problem.GetProperty("detail").GetString()!);
        }
        using (var wrongPurpose = await ConfirmAsync(resetToken))
        {
            var problem = await wrongPurpose.AssertProblemAsync(HttpStatusCode.BadRequest, "account_token_invalid");
            bodies.Add(problem.GetProperty("detail").GetString()!);
        }
        Assert.Single(bodies.Distinct());

        using var stillGood = await ResetAsync(resetToken); // none of the above spent it
        Assert.Equal(HttpStatusCode.OK, stillGood.StatusCode);
    }

    [Fact]
    public async Task An_address_with_a_non_ascii_local_part_gets_its_reset_mail()
    {
        var username = ApiClient.NewUsername();
        var email = $"ünï{username}@example.com";
        using (var created = await Api.PostJsonAsync("/api/v1/user/create", new { username, email, password = ApiClient.StrongPassword }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        using (var forgot = await ForgotAsync(email))
        {
            Assert.Equal(HttpStatusCode.Accepted, forgot.StatusCode);
        }
        var mail = await Mail.WaitForOneAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await ResetAsync(mail.Token)).StatusCode);
    }

    [Theory]
    [InlineData("enormous")]
    [InlineData("non-ascii domain")]
    [InlineData("missing")]
    public async Task Bad_addresses_are_a_validation_problem_and_store_nothing(string kind)
    {
        object body = kind switch
        {
            "enormous" => new { email = new string('a', 10_000) + "@example.com" },
            "non-ascii domain" => new { email = "bob@exämple.com" },
            _ => new { },
        };
        using var response = await Api.PostJsonAsync("/api/v1/user/password/forgot", body);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotEmpty(problem.FieldErrors("email"));
    }

    [Fact]
    public async Task A_reset_requested_while_the_mail_server_is_down_arrives_after_it_is_back()
    {
        var user = await Api.RegisterAndLoginAsync();
        var commands = Fixture.App.Services.GetRequiredService<ResourceCommandService>();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var stopped = await commands.ExecuteCommandAsync("mail", KnownResourceCommands.StopCommand, cts.Token);
        Assert.True(stopped.Success, stopped.Message);
        try
        {
            await Fixture.App.ResourceNotifications.WaitForResourceAsync("mail",
                e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cts.Token);
            using (var forgot = await ForgotAsync(user.Email))
            {
                Assert.Equal(HttpStatusCode.Accepted, forgot.StatusCode);
            }
            // The sender tried, failed and kept the message for later.
            while (await ScalarAsync("SELECT last_error FROM outbox_messages WHERE normalized_recipient = @p", user.Email.ToLowerInvariant()) is null)
            {
                await Task.Delay(200, cts.Token);
            }
        }
        finally
        {
            var started = await commands.ExecuteCommandAsync("mail", KnownResourceCommands.StartCommand, CancellationToken.None);
            Assert.True(started.Success, started.Message);
        }
        await Fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("mail", cts.Token);

        var mail = await Mail.WaitForOneAsync(user.Email, TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, (await ResetAsync(mail.Token)).StatusCode);
        Assert.True((int)(await ScalarAsync("SELECT attempts FROM outbox_messages WHERE normalized_recipient = @p", user.Email.ToLowerInvariant()))! >= 2);
        Assert.Single(await Mail.MessagesToAsync(user.Email));
    }

    /// <summary>A reset token row as the API would write it, for a test that needs two live links at once.</summary>
    private async Task<Guid> IssueResetTokenDirectlyAsync(Guid userId)
    {
        var id = Guid.NewGuid();
        await using var connection = new NpgsqlConnection(await Fixture.GetConnectionStringAsync("authdb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO account_tokens (id, user_id, purpose, secret_hash, email, created_at, expires_at)
            SELECT @id, id, 'password_reset', decode(md5(random()::text) || md5(random()::text), 'hex'), normalized_email, now(), now() + interval '30 minutes' FROM users WHERE id = @user
            """, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("user", userId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
        return id;
    }

    private async Task<object?> ScalarAsync(string sql, object parameter)
    {
        await using var connection = new NpgsqlConnection(await Fixture.GetConnectionStringAsync("authdb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("p", parameter);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }
}
