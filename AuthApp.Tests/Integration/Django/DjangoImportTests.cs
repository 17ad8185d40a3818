using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace AuthApp.Tests.Integration.Django;

/// <summary>
/// The move from the original Django service, end to end: its users table imported by the migration worker, every named
/// user logging in with the original password (and the original's pepper), re-hashed on the way, the import safe to run again.
/// </summary>
[Collection(DjangoAppHostCollection.Name)]
public sealed partial class DjangoImportTests(DjangoAppHostFixture fixture, ITestOutputHelper output) : AppHostTest<DjangoAppHostFixture>(fixture, output)
{
    private const int Imported = DjangoData.DumpRows - 1; // one of the two e-mail case twins is skipped

    [Fact]
    public async Task Every_named_user_logs_in_with_the_original_password_and_is_rehashed_to_argon2id_at_the_first_login()
    {
        var source = await SourceHashesAsync();
        foreach (var user in DjangoData.Users.Users)
        {
            var stored = await StoredAsync(user.Id);
            if (user.Hasher == "case_b")
            {
                Assert.Null(stored); // the twin that was not imported
                await AssertLoginFailsAsync(user.Email, user.Password!);
                continue;
            }
            Assert.NotNull(stored);
            Assert.Equal(user.Username, stored.Username);
            Assert.Equal(user.Email, stored.Email);
            Assert.Equal((user.IsActive, user.IsStaff, user.IsSuperuser), (stored.IsActive, stored.IsStaff, stored.IsSuperuser));

            if (user.Password is null || !user.IsActive)
            {
                Assert.Equal(source[user.Id], stored.PasswordHash);
                await AssertLoginFailsAsync(user.Email, user.Password ?? "Fixture-anything-at-all");
                await AssertLoginFailsAsync(user.Email, "");
                Assert.Equal(source[user.Id], (await StoredAsync(user.Id))!.PasswordHash); // never re-hashed
                continue;
            }
            if (user.StoredPrefix == "md5")
            {
                // A fast digest is never stored as it is: wrapped in Argon2id at import, re-hashed at the first login.
                Assert.StartsWith("argon2id-wrapped$md5$", stored.PasswordHash);
                Assert.DoesNotContain(source[user.Id].Split('$')[^1], stored.PasswordHash);
            }
            else if (!stored.PasswordHash.StartsWith("$argon2id$", StringComparison.Ordinal))
            {
                Assert.Equal(source[user.Id], stored.PasswordHash); // kept exactly as Django stored it, until the first login
                Assert.StartsWith(user.StoredPrefix, stored.PasswordHash);
            }

            await AssertLoginFailsAsync(user.Email, user.Password + "x");
            var first = await LoginAsync(user.Email, user.Password);
            Assert.Equal(user.Id, first.GetProperty("user").GetProperty("id").GetGuid());
            Assert.Equal(user.Username, first.GetProperty("user").GetProperty("username").GetString());
            Assert.StartsWith("$argon2id$", (await StoredAsync(user.Id))!.PasswordHash);

            using var me = await Api.GetAsync("/api/v1/user/me", first.GetProperty("access_token").GetString());
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            var profile = await me.ReadJsonAsync();
            Assert.Equal(user.Id, profile.GetProperty("id").GetGuid());
            Assert.Equal(user.IsStaff, profile.GetProperty("is_staff").GetBoolean());

            // The next login verifies the new Argon2id hash; legacy usernames log in too.
            var second = await LoginAsync(user.Email, user.Password);
            Assert.Equal(user.Id, second.GetProperty("user").GetProperty("id").GetGuid());
            using var byUsername = await Api.PostJsonAsync("/api/v1/user/login", new { username = user.Username, password = user.Password });
            Assert.Equal(HttpStatusCode.OK, byUsername.StatusCode);
        }
    }

    [Fact]
    public void The_apphost_takes_the_source_and_the_pepper_as_secret_parameters()
    {
        var parameters = Fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>().ToList();
        Assert.True(parameters.Single(p => p.Name == "django-db").Secret);
        Assert.True(parameters.Single(p => p.Name == "django-password-pepper").Secret);
    }

    [Fact]
    public async Task Staff_routes_open_to_the_imported_staff_user()
    {
        var staff = DjangoData.Named("superuser");
        var login = await LoginAsync(staff.Email, staff.Password!);
        using var response = await Api.GetAsync($"/api/v1/admin/users?search={DjangoData.Named("staff").Username}", login.GetProperty("access_token").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var row = Assert.Single((await response.ReadJsonAsync()).GetProperty("results").EnumerateArray());
        Assert.True(row.GetProperty("is_staff").GetBoolean());
    }

    [Fact]
    public async Task The_report_counts_every_outcome_and_explains_each_row_not_imported_as_it_was()
    {
        var report = ReportOf(Fixture.MigrationLogs).First();
        Assert.Contains("Django pepper (Passwords:Django:Pepper): configured", report);
        Assert.Contains($"rows read: {DjangoData.DumpRows}, written: {Imported}, skipped: 1", report);
        Assert.Contains(CountLine("skipped, e-mail case twin", 1), report);
        Assert.Contains(CountLine("imported, legacy username", 2), report);
        Assert.Contains(CountLine("imported, password cannot log in", 1), report);
        Assert.Contains(CountLine("imported", Imported - 3), report);
        Assert.Contains($"skipped, e-mail case twin: {DjangoData.Named("case_b").Id} {DjangoData.Named("case_b").Username}: e-mail differs only by case from that of {DjangoData.Named("case_a").Id}", report);
        Assert.Contains($"imported, legacy username: {DjangoData.Named("unicode").Id} {DjangoData.Named("unicode").Username}: legacy username kept (not only ASCII letters and digits)", report);
        Assert.Contains($"imported, legacy username: {DjangoData.Named("long_username").Id} {DjangoData.Named("long_username").Username}: legacy username kept (longer than 30 characters)", report);
        Assert.Contains($"imported, password cannot log in: {DjangoData.Named("unusable").Id} {DjangoData.Named("unusable").Username}: password cannot log in: unusable password", report);

        // The secret is said to be there, never shown.
        Assert.DoesNotContain(Fixture.MigrationLogs.Concat(Fixture.ApiLogs), line => line.Contains(DjangoData.Users.Pepper, StringComparison.Ordinal));
        Assert.Contains(Fixture.ApiLogs, line => line.Contains("Django pepper (Passwords:Django:Pepper): configured", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Running_the_import_again_through_the_apphost_changes_nothing()
    {
        var before = await UsersChecksumAsync(Fixture.App);
        var reports = ReportOf(Fixture.MigrationLogs).Count;

        var commands = Fixture.App.Services.GetRequiredService<ResourceCommandService>();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var started = await commands.ExecuteCommandAsync("migrations", KnownResourceCommands.StartCommand, cts.Token);
        Assert.True(started.Success, started.Message);
        while (ReportOf(Fixture.MigrationLogs).Count == reports)
        {
            await Task.Delay(250, cts.Token);
        }
        var finished = await Fixture.App.ResourceNotifications.WaitForResourceAsync("migrations",
            e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cts.Token);
        Assert.Equal(0, finished.Snapshot.ExitCode);

        var report = ReportOf(Fixture.MigrationLogs).Last();
        Assert.Contains($"rows read: {DjangoData.DumpRows}, written: 0, skipped: 1", report);
        Assert.Contains(CountLine("already imported", Imported), report);
        Assert.Contains($"skipped, e-mail case twin: {DjangoData.Named("case_b").Id}", report);
        Assert.Equal(before, await UsersChecksumAsync(Fixture.App));
    }

    [Fact]
    public async Task A_dry_run_alone_prints_the_same_report_and_writes_nothing()
    {
        var target = await NewMigratedTargetAsync("authdb_dryrun");
        var source = await Fixture.DatabaseConnectionStringAsync(DjangoAppHostFixture.SourceDatabase);

        var dryRun = await MigrationServiceCli.RunAsync(target, source, "import-django", "--dry-run");
        Assert.True(dryRun.ExitCode == 0, dryRun.Output);
        Assert.Contains("DRY RUN: nothing was written", dryRun.Output);
        Assert.Equal(0L, await CountAsync(target, "SELECT count(*) FROM users"));
        Assert.Equal(0L, await CountAsync(target, "SELECT count(*) FROM imported_users"));

        var real = await MigrationServiceCli.RunAsync(target, source, "import-django");
        Assert.True(real.ExitCode == 0, real.Output);
        Assert.Equal(RowLines(dryRun.Output), RowLines(real.Output));
        Assert.Equal(Counts(dryRun.Output), Counts(real.Output));
        Assert.Equal((long)Imported, await CountAsync(target, "SELECT count(*) FROM users"));
    }

    [Fact]
    public async Task Accounts_already_in_authapp_with_the_same_id_email_or_username_are_reported_not_overwritten()
    {
        var target = await NewMigratedTargetAsync("authdb_conflicts");
        var existing = Guid.CreateVersion7();
        await ExecuteAsync(target, $"""
            INSERT INTO users (id, username, normalized_username, email, normalized_email, password_hash, is_active, is_staff, is_superuser, date_joined, updated_at)
            VALUES ('{existing}', 'carol', 'carol', 'carol@example.com', 'carol@example.com', '$argon2id$kept', true, false, false, now(), now())
            """);
        var rows = new[]
        {
            ($"{existing}", "carolfromdjango", "other@example.org", "pbkdf2_sha256$1$s$h"),           // same id
            ($"{Guid.NewGuid()}", "carol2", "CAROL@example.com", "pbkdf2_sha256$1$s$h"),               // same e-mail, other case
            ($"{Guid.NewGuid()}", "Carol", "carol3@example.org", "pbkdf2_sha256$1$s$h"),               // same username, other case
            ($"{Guid.NewGuid()}", "brokenhash", "broken@example.org", "pbkdf2_sha256$notanumber$salt"),  // a malformed hash
            ($"{Guid.NewGuid()}", "admin", "admin@example.org", "pbkdf2_sha256$1$s$h"),                // a reserved name
            ($"{Guid.NewGuid()}", "tab\tname", "tab@example.org", "pbkdf2_sha256$1$s$h"),              // a control character
        };
        var values = string.Join(",\n", rows.Select(r =>
            $"('{r.Item1}', '{r.Item3}', E'{r.Item2.Replace("\t", "\\t")}', '{r.Item4}', true, now(), now(), now(), '', false, false, NULL, '')"));
        var source = await DjangoData.CreateDatabaseAsync(await Fixture.ServerConnectionStringAsync(), "djangoconflicts",
            DjangoData.CreateTableSql() + $"\nINSERT INTO public.users VALUES {values};");

        var result = await MigrationServiceCli.RunAsync(target, source, "import-django");
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"skipped, id taken in AuthApp: {existing} carolfromdjango: an account made in AuthApp has this id", result.Output);
        Assert.Contains($"skipped, e-mail taken in AuthApp: {rows[1].Item1} carol2: AuthApp account {existing} already has this e-mail", result.Output);
        Assert.Contains($"skipped, username taken in AuthApp: {rows[2].Item1} Carol: AuthApp account {existing} already has this username", result.Output);
        Assert.Contains($"imported, password cannot log in: {rows[3].Item1} brokenhash: password cannot log in:", result.Output);
        Assert.Contains($"imported, legacy username: {rows[4].Item1} admin: legacy username kept (a reserved name)", result.Output);
        Assert.Contains($"skipped, invalid row: {rows[5].Item1}", result.Output);
        Assert.Contains("rows read: 6, written: 2, skipped: 4", result.Output);

        // The existing account is untouched.
        Assert.Equal(1L, await CountAsync(target, $"SELECT count(*) FROM users WHERE id = '{existing}' AND username = 'carol' AND password_hash = '$argon2id$kept'"));
        Assert.Equal(0L, await CountAsync(target, $"SELECT count(*) FROM imported_users WHERE user_id = '{existing}'"));
    }

    [Fact]
    public async Task Bad_sources_fail_with_one_clear_message_and_write_nothing()
    {
        var target = await NewMigratedTargetAsync("authdb_badinput");

        var unreachable = await MigrationServiceCli.RunAsync(target, "Host=127.0.0.1;Port=1;Database=gone;Username=u;Password=Secret-Source-Pass;Timeout=3", "import-django");
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains("Django import failed: Cannot reach the Django database 127.0.0.1:1/gone", unreachable.Output);
        Assert.DoesNotContain("Secret-Source-Pass", unreachable.Output);
        Assert.DoesNotContain("   at ", unreachable.Output);

        var notDjango = await DjangoData.CreateDatabaseAsync(await Fixture.ServerConnectionStringAsync(), "notdjango",
            "CREATE TABLE users (id integer PRIMARY KEY, name text); INSERT INTO users VALUES (1, 'x');");
        var wrongTable = await MigrationServiceCli.RunAsync(target, notDjango, "import-django");
        Assert.Equal(1, wrongTable.ExitCode);
        Assert.Contains("is not the original Django service's users table (id is integer, not uuid; no column username", wrongTable.Output);

        var noTable = await DjangoData.CreateDatabaseAsync(await Fixture.ServerConnectionStringAsync(), "emptydjango", "");
        var missing = await MigrationServiceCli.RunAsync(target, noTable, "import-django");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("has no table public.users", missing.Output);

        Assert.Equal(0L, await CountAsync(target, "SELECT count(*) FROM users"));
    }

    [Fact]
    public async Task An_import_stopped_half_way_resumes_where_it_stopped()
    {
        var target = await NewMigratedTargetAsync("authdb_resume");
        var source = await Fixture.DatabaseConnectionStringAsync(DjangoAppHostFixture.SourceDatabase);

        // Small batches, stopped hard once a few have been committed.
        var info = MigrationServiceCli.StartInfo(target, source, "import-django");
        info.Environment["Import__Django__BatchSize"] = "1000";
        using (var process = Process.Start(info)!)
        {
            var committed = new TaskCompletionSource();
            var output = new StringBuilder();
            _ = MigrationServiceCli.PumpAsync(process.StandardOutput, output, line =>
            {
                if (line.Contains("batch 3:", StringComparison.Ordinal))
                {
                    committed.TrySetResult();
                }
            });
            _ = MigrationServiceCli.PumpAsync(process.StandardError, output);
            await committed.Task.WaitAsync(TimeSpan.FromMinutes(2));
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        var partial = await CountAsync(target, "SELECT count(*) FROM users");
        Assert.InRange(partial, 2000, Imported - 1); // whole batches (less any row the policy skipped in them)
        Assert.Equal(partial, await CountAsync(target, "SELECT count(*) FROM imported_users"));

        var resumed = await MigrationServiceCli.RunAsync(target, source, "import-django");
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Contains(CountLine("already imported", partial), resumed.Output);
        Assert.Equal((long)Imported, await CountAsync(target, "SELECT count(*) FROM users"));
        Assert.Equal((long)Imported, await CountAsync(target, "SELECT count(DISTINCT id) FROM users JOIN imported_users ON user_id = id"));
    }

    private async Task<JsonElement> LoginAsync(string email, string password)
    {
        using var response = await Api.PostJsonAsync("/api/v1/user/login", new { email, password });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"login of {email}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private async Task AssertLoginFailsAsync(string email, string password)
    {
        using var response = await Api.PostJsonAsync("/api/v1/user/login", new { email, password });
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"login of {email} should fail, got {(int)response.StatusCode}");
    }

    private sealed record StoredUser(string Username, string Email, string PasswordHash, bool IsActive, bool IsStaff, bool IsSuperuser);

    private async Task<StoredUser?> StoredAsync(Guid id)
    {
        await using var connection = new NpgsqlConnection(await Fixture.GetConnectionStringAsync("authdb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT username, email, password_hash, is_active, is_staff, is_superuser FROM users WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new StoredUser(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4), reader.GetBoolean(5))
            : null;
    }

    private async Task<Dictionary<Guid, string>> SourceHashesAsync()
    {
        await using var connection = new NpgsqlConnection(await Fixture.DatabaseConnectionStringAsync(DjangoAppHostFixture.SourceDatabase));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, password FROM users WHERE id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", DjangoData.Users.Users.Select(u => u.Id).ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var hashes = new Dictionary<Guid, string>();
        while (await reader.ReadAsync())
        {
            hashes[reader.GetGuid(0)] = reader.GetString(1);
        }
        return hashes;
    }

    private static async Task<string> UsersChecksumAsync(DistributedApplication app)
    {
        await using var connection = new NpgsqlConnection(await app.GetConnectionStringAsync("authdb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) || ':' || md5(string_agg(u::text, ',' ORDER BY u.id)) FROM users u", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A fresh AuthApp database on the test's server, migrated by the worker (which imports nothing: no source is set).</summary>
    private async Task<string> NewMigratedTargetAsync(string database)
    {
        var target = await DjangoData.CreateDatabaseAsync(await Fixture.ServerConnectionStringAsync(), database, "");
        var migrated = await MigrationServiceCli.RunAsync(target, source: null);
        Assert.True(migrated.ExitCode == 0, migrated.Output);
        return target;
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A count line of the report, as it prints it.</summary>
    private static string CountLine(string label, long count) => $"  {label + ":",-38}{count,10}";

    /// <summary>The reports printed in these console lines (a timestamp in front, if any, dropped), one string each.</summary>
    private static List<string> ReportOf(IEnumerable<string> lines)
    {
        var reports = new List<StringBuilder>();
        StringBuilder? current = null;
        foreach (var raw in lines)
        {
            var line = Timestamp().Replace(raw.TrimEnd('\r'), "");
            if (line.StartsWith("Django import report", StringComparison.Ordinal))
            {
                reports.Add(current = new StringBuilder());
            }
            else if (current is not null && !line.StartsWith("  ", StringComparison.Ordinal) && !line.StartsWith("Rows not imported", StringComparison.Ordinal))
            {
                current = null;
            }
            current?.AppendLine(line);
        }
        return reports.Select(r => r.ToString()).ToList();
    }

    private static List<string> ReportOf(string output) => ReportOf(output.Split('\n'));

    private static string[] RowLines(string output) =>
        ReportOf(output).Single().Split('\n').Where(l => RowLine().IsMatch(l)).ToArray();

    private static string[] Counts(string output) =>
        ReportOf(output).Single().Split('\n').Where(l => CountRow().IsMatch(l)).ToArray();

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T[0-9:.]+Z ")]
    private static partial System.Text.RegularExpressions.Regex Timestamp();

    [System.Text.RegularExpressions.GeneratedRegex(@"^  [a-z ,\-]+: [0-9a-f]{8}-")]
    private static partial System.Text.RegularExpressions.Regex RowLine();

    [System.Text.RegularExpressions.GeneratedRegex(@"^  [a-zA-Z ,\-]+: +\d+$")]
    private static partial System.Text.RegularExpressions.Regex CountRow();
}
