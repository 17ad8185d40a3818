using System.Text.Json;
using AuthApp.Api.Audit;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>The audit trail: what staff actions record, in the transaction of the change; refused attempts; the list, its filters and retention.</summary>
[Collection(InProcessCollection.Name)]
public sealed class AuditTrailTests(ServersFixture servers, ITestOutputHelper output) : InProcessTest(servers, output,
    ("Audit:Retention", "30.00:00:00"))
{
    private const string StaffAddress = "203.0.113.77";

    [Fact]
    public async Task A_deactivation_records_who_what_whom_when_where_and_the_outcome()
    {
        var staff = await App.RegisterStaffAsync();
        var user = await Api.RegisterAndLoginAsync();

        using var deactivate = await Api.PostJsonAsync($"/api/v1/admin/users/{user.Id}/deactivate", new { }, staff.AccessToken, forwardedFor: StaffAddress);
        Assert.Equal(HttpStatusCode.OK, deactivate.StatusCode);

        var entry = Assert.Single(await ListAsync(staff, $"target={user.Id}"));
        Assert.Equal(staff.Id, entry.GetProperty("actor_id").GetGuid());
        Assert.Equal(staff.Username, entry.GetProperty("actor_username").GetString());
        Assert.Equal("user.deactivate", entry.GetProperty("action").GetString());
        Assert.Equal(user.Id, entry.GetProperty("target_user_id").GetGuid());
        Assert.Equal(user.Username, entry.GetProperty("target_username").GetString());
        Assert.Equal(StaffAddress, entry.GetProperty("client_address").GetString());
        Assert.Equal("succeeded", entry.GetProperty("outcome").GetString());
        Assert.Equal(App.Clock.GetUtcNow(), entry.GetProperty("occurred_at").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task A_change_whose_audit_entry_cannot_be_written_is_not_made()
    {
        var staff = await App.RegisterStaffAsync();
        var user = await Api.RegisterAndLoginAsync();
        // A trigger refuses this one user's audit entry, as a failing disk or a constraint would.
        var trigger = $"audit_refuse_{Guid.NewGuid():N}";
        // Names and ids made here, no input: safe to put into the SQL text.
        var create = $"""
            CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
              IF NEW.target_user_id = '{user.Id}' THEN RAISE EXCEPTION 'audit refused'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER {trigger} BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION {trigger}();
            """;
        var drop = $"DROP TRIGGER {trigger} ON audit_entries; DROP FUNCTION {trigger}();";
        await App.WithDatabaseAsync(db => db.Database.ExecuteSqlRawAsync(create));
        try
        {
            using var deactivate = await Api.PostJsonAsync($"/api/v1/admin/users/{user.Id}/deactivate", new { }, staff.AccessToken);
            await deactivate.AssertProblemAsync(HttpStatusCode.InternalServerError, "internal_error");
        }
        finally
        {
            await App.WithDatabaseAsync(db => db.Database.ExecuteSqlRawAsync(drop));
        }

        var stored = await App.WithDatabaseAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.True(stored.IsActive);
        var liveSessions = await App.WithDatabaseAsync(db => db.Sessions.CountAsync(s => s.UserId == user.Id && s.RevokedAt == null));
        Assert.Equal(1, liveSessions);
        using var me = await Api.GetAsync("/api/v1/user/me", user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task A_refused_attempt_by_a_non_staff_account_is_recorded_as_forbidden()
    {
        var staff = await App.RegisterStaffAsync();
        var intruder = await Api.RegisterAndLoginAsync();
        var victim = await Api.RegisterAndLoginAsync();

        using var attempt = await Api.PostJsonAsync($"/api/v1/admin/users/{victim.Id}/grant-staff", new { }, intruder.AccessToken, forwardedFor: StaffAddress);
        await attempt.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        using var listAttempt = await Api.GetAsync("/api/v1/admin/audit", intruder.AccessToken);
        await listAttempt.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var entries = await ListAsync(staff, $"actor={intruder.Username}");
        Assert.Equal(["audit.list", "user.grant_staff"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.All(entries, e => Assert.Equal("forbidden", e.GetProperty("outcome").GetString()));
        var grant = entries[1];
        Assert.Equal(victim.Id, grant.GetProperty("target_user_id").GetGuid());
        Assert.Equal(victim.Username, grant.GetProperty("target_username").GetString());
        Assert.Equal(StaffAddress, grant.GetProperty("client_address").GetString());
    }

    [Fact]
    public async Task Unknown_targets_and_refused_rotations_are_recorded_with_their_outcome()
    {
        var staff = await App.RegisterStaffAsync();
        var nobody = Guid.NewGuid();
        using (var missing = await Api.PostJsonAsync($"/api/v1/admin/users/{nobody}/activate", new { }, staff.AccessToken))
        {
            await missing.AssertProblemAsync(HttpStatusCode.NotFound, "user_not_found");
        }
        App.Clock.Advance(TimeSpan.FromSeconds(1)); // entries of one instant have no defined order
        using (var rotate = await Api.PostJsonAsync("/api/v1/admin/keys/rotate", new { }, staff.AccessToken))
        {
            await rotate.AssertProblemAsync(HttpStatusCode.Conflict, "key_rotation_unavailable");
        }

        var entries = await ListAsync(staff, $"actor={staff.Id}");
        Assert.Equal([("keys.rotate", "refused"), ("user.activate", "not_found")],
            entries.Select(e => (e.GetProperty("action").GetString(), e.GetProperty("outcome").GetString())));
        Assert.Equal(nobody, entries[1].GetProperty("target_user_id").GetGuid());
    }

    [Fact]
    public async Task The_list_filters_by_action_and_time_and_pages_newest_first_keeping_the_filters()
    {
        var staff = await App.RegisterStaffAsync();
        var user = await Api.RegisterAndLoginAsync();
        var start = App.Clock.GetUtcNow();
        foreach (var action in new[] { "grant-staff", "revoke-staff", "grant-staff" })
        {
            App.Clock.Advance(TimeSpan.FromMinutes(1));
            using var response = await Api.PostJsonAsync($"/api/v1/admin/users/{user.Id}/{action}", new { }, staff.AccessToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var granted = await ListAsync(staff, $"target={user.Username.ToUpperInvariant()}&action=user.grant_staff");
        Assert.Equal(2, granted.Count);
        var afterFirst = Uri.EscapeDataString((start + TimeSpan.FromSeconds(90)).ToString("O"));
        var later = await ListAsync(staff, $"target={user.Id}&from={afterFirst}");
        Assert.Equal(["user.grant_staff", "user.revoke_staff"], later.Select(e => e.GetProperty("action").GetString()));

        using var first = await Api.GetAsync($"/api/v1/admin/audit?target={user.Id}&limit=2", staff.AccessToken);
        var page = await first.ReadJsonAsync();
        Assert.Equal(2, page.GetProperty("results").GetArrayLength());
        var next = new Uri(page.GetProperty("next").GetString()!);
        Assert.Contains($"target={user.Id}", next.Query);
        using var second = await Api.GetAsync(next.PathAndQuery, staff.AccessToken);
        var rest = (await second.ReadJsonAsync()).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal("user.grant_staff", Assert.Single(rest).GetProperty("action").GetString());
        Assert.True(rest[0].GetProperty("occurred_at").GetDateTimeOffset() < page.GetProperty("results")[1].GetProperty("occurred_at").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("action=user.explode", "action")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-11-25T10:00:00Z&to=2026-11-24T10:00:00Z", "to")]
    [InlineData("limit=0", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("actor=%00", "actor")]
    public async Task Bad_filters_are_400_with_the_field_at_fault(string query, string field)
    {
        var staff = await App.RegisterStaffAsync();
        using var response = await Api.GetAsync($"/api/v1/admin/audit?{query}", staff.AccessToken);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotEmpty(problem.FieldErrors(field));
    }

    [Fact]
    public async Task Entries_older_than_the_retention_are_deleted_by_the_clean_up()
    {
        var staff = await App.RegisterStaffAsync();
        var user = await Api.RegisterAndLoginAsync();
        using (await Api.PostJsonAsync($"/api/v1/admin/users/{user.Id}/revoke-sessions", new { }, staff.AccessToken)) { }
        var retention = App.Services.GetRequiredService<AuditRetention>();

        App.Clock.Advance(TimeSpan.FromDays(29));
        await retention.DeleteExpiredAsync(CancellationToken.None);
        Assert.Equal(1, await CountForAsync(user.Id));

        App.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        await retention.DeleteExpiredAsync(CancellationToken.None);
        Assert.Equal(0, await CountForAsync(user.Id));
    }

    private Task<int> CountForAsync(Guid userId) =>
        App.WithDatabaseAsync(db => db.AuditEntries.CountAsync(e => e.TargetUserId == userId));

    private async Task<List<JsonElement>> ListAsync(TestUser staff, string query)
    {
        using var response = await Api.GetAsync($"/api/v1/admin/audit?{query}", staff.AccessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("results").EnumerateArray().ToList();
    }
}
