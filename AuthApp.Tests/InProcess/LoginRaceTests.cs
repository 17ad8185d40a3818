using AuthApp.Api.Auth;
using AuthApp.Data;
using AuthApp.Data.Passwords;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// A password's owner wins every race with a login that checked the old credentials: each test holds a login exactly
/// between its password check and the opening of its session (a barrier in <see cref="LoginPhases"/>), commits the
/// owner's change there, then lets the login go on. The interleaving is forced, not hoped for.
/// </summary>
[Collection(InProcessCollection.Name)]
public sealed class LoginRaceTests : IDisposable
{
    private const string NewPassword = "Fresh-Meadow-Lantern-77";
    private readonly HeldLogin _held = new();
    private readonly InProcessApi _app;
    private readonly ITestOutputHelper _output;
    private readonly MailInbox _mail;

    public LoginRaceTests(ServersFixture servers, ITestOutputHelper output)
    {
        _app = servers.StartApi(services => services.AddSingleton<LoginPhases>(_held));
        _output = output;
        _mail = servers.Mail;
    }

    private HttpClient Api => _app.Client;

    [Fact]
    public async Task A_reset_that_commits_while_a_login_is_checking_the_old_password_leaves_that_login_no_session()
    {
        var user = await Api.RegisterAndLoginAsync();
        var token = await RequestResetAsync(user);

        using var refused = await LoginRacingAsync(user, () => ResetAsync(token));
        await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_credentials");
        Assert.Equal(0, await LiveSessionsAsync(user.Id));
        await Api.LoginAsync(user.Email, NewPassword);
    }

    [Fact]
    public async Task A_password_change_that_commits_during_a_login_ends_it_and_keeps_only_the_changers_session()
    {
        var user = await Api.RegisterAndLoginAsync();

        using var refused = await LoginRacingAsync(user, async () =>
        {
            using var change = await Api.PutJsonAsync("/api/v1/user/update",
                new { password = NewPassword, confirm_password = NewPassword, current_password = user.Password }, user.AccessToken);
            Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        });
        await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_credentials");
        Assert.Equal(1, await LiveSessionsAsync(user.Id)); // the session that changed the password
        using var stillWorks = await Api.RefreshAsync(user.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode); // it took the new stamp with it
    }

    [Fact]
    public async Task A_legacy_hash_upgraded_by_a_login_never_overwrites_the_password_a_reset_set_meanwhile()
    {
        var user = await Api.RegisterAndLoginAsync();
        await SetLegacyHashAsync(user);
        var token = await RequestResetAsync(user);

        using var refused = await LoginRacingAsync(user, () => ResetAsync(token));
        await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_credentials");
        await Api.LoginAsync(user.Email, NewPassword); // the reset's password stands
        using var old = await Api.PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = user.Password });
        await old.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_credentials");
    }

    [Theory]
    [InlineData("revoke-sessions")]
    [InlineData("deactivate")]
    public async Task A_staff_action_that_commits_during_a_login_leaves_that_login_no_session(string action)
    {
        var staff = await _app.RegisterStaffAsync();
        var user = await Api.RegisterAndLoginAsync();

        using var refused = await LoginRacingAsync(user, async () =>
        {
            using var ended = await Api.PostJsonAsync($"/api/v1/admin/users/{user.Id}/{action}", new { }, staff.AccessToken);
            Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        });

        await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_credentials");
        Assert.Equal(0, await LiveSessionsAsync(user.Id));
    }

    [Fact]
    public async Task Without_a_change_a_held_login_opens_its_session_and_upgrades_a_legacy_hash()
    {
        var user = await Api.RegisterAndLoginAsync();
        await SetLegacyHashAsync(user);

        using var opened = await LoginRacingAsync(user, () => Task.CompletedTask);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        await using var scope = _app.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<AuthDbContext>().Users.AsNoTracking().SingleAsync(u => u.Id == user.Id);
        Assert.StartsWith("$argon2id$", stored.PasswordHash);
    }

    /// <summary>
    /// Logs in as <paramref name="user"/> with the password it had, holds that login between its password check and its
    /// session while <paramref name="change"/> commits, then lets it go on; the login's answer.
    /// </summary>
    private async Task<HttpResponseMessage> LoginRacingAsync(TestUser user, Func<Task> change)
    {
        _held.HoldUser = user.Id;
        var login = Task.Run(() => Api.PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = user.Password }));
        await _held.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await change();
        _held.Release.SetResult();
        return await login;
    }

    private async Task ResetAsync(string token)
    {
        using var reset = await Api.PostJsonAsync("/api/v1/user/password/reset", new { token, password = NewPassword, confirm_password = NewPassword });
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
    }

    private async Task<string> RequestResetAsync(TestUser user)
    {
        using var forgot = await Api.PostJsonAsync("/api/v1/user/password/forgot", new { email = user.Email });
        Assert.Equal(HttpStatusCode.Accepted, forgot.StatusCode);
        return (await _mail.WaitForOneAsync(user.Email)).Token;
    }

    /// <summary>Stores the user's password as Django's PBKDF2 would have (no pepper configured here), as an import leaves it.</summary>
    private async Task SetLegacyHashAsync(TestUser user)
    {
        var salt = "racesalt" + Random.Shared.Next(1000, 9999);
        var digest = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(user.Password, System.Text.Encoding.UTF8.GetBytes(salt), 1000,
            System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
        var legacy = $"pbkdf2_sha256$1000${salt}${Convert.ToBase64String(digest)}";
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.PasswordHash, legacy));
        Assert.Equal(PasswordVerification.SuccessRehashNeeded,
            new PasswordHasher(Options.Create(new PasswordHashingOptions())).Verify(legacy, user.Password));
    }

    private async Task<int> LiveSessionsAsync(Guid userId)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AuthDbContext>().Sessions
            .CountAsync(s => s.UserId == userId && s.RevokedAt == null);
    }

    public void Dispose()
    {
        _held.Release.TrySetResult();
        _app.WriteLogsTo(_output);
        _app.Dispose();
    }

    /// <summary>Holds the login of one user between its password check and its session, until released.</summary>
    private sealed class HeldLogin : LoginPhases
    {
        public Guid? HoldUser { get; set; }
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task PasswordVerifiedAsync(Guid userId, CancellationToken ct)
        {
            if (userId != HoldUser)
            {
                return;
            }
            Reached.TrySetResult();
            await Release.Task.WaitAsync(ct);
        }
    }
}
