using AuthApp.MigrationService.DjangoImport;

namespace AuthApp.Tests.Unit;

public sealed class DjangoRowPolicyTests
{
    private static readonly DateTimeOffset Joined = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DjangoUserRow Row(string username = "alice2024", string email = "alice@example.org", string password = "pbkdf2_sha256$1$s$h") =>
        new(Guid.NewGuid(), username, email, password, true, false, false, Joined, null);

    private static string? NoPasswordProblem(string _) => null;

    [Fact]
    public void A_row_that_fits_the_rules_is_imported_as_it_is() =>
        Assert.Equal(new RowDecision(true, RowOutcome.Imported, null), DjangoRowPolicy.Decide(Row(), NoPasswordProblem));

    [Theory]
    [InlineData("djangoJosé614218", "not only ASCII letters and digits")]
    [InlineData("djangoxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "longer than 30 characters")]
    [InlineData("admin", "a reserved name")]
    [InlineData("Root", "a reserved name")]
    [InlineData("al", "shorter than 3 characters")]
    [InlineData("first.last", "not only ASCII letters and digits")]
    public void Usernames_that_break_the_rules_for_new_ones_are_kept_as_legacy_names(string username, string reason)
    {
        var decision = DjangoRowPolicy.Decide(Row(username), NoPasswordProblem);
        Assert.True(decision.Stage);
        Assert.Equal(RowOutcome.ImportedLegacyUsername, decision.Outcome);
        Assert.Contains(reason, decision.Reason);
    }

    [Fact]
    public void A_password_that_cannot_log_in_is_kept_and_reported()
    {
        var decision = DjangoRowPolicy.Decide(Row(password: "!unusable"), p => p.StartsWith('!') ? "unusable password" : null);
        Assert.Equal(new RowDecision(true, RowOutcome.ImportedPasswordCannotLogIn, "password cannot log in: unusable password"), decision);

        var both = DjangoRowPolicy.Decide(Row(username: "admin", password: "!x"), p => "unusable password");
        Assert.Equal(RowOutcome.ImportedLegacyUsername, both.Outcome);
        Assert.Equal("legacy username kept (a reserved name); password cannot log in: unusable password", both.Reason);
    }

    [Theory]
    [InlineData("", "a@example.org", "empty username")]
    [InlineData("bob", " ", "empty e-mail")]
    [InlineData("bob\u0001", "a@example.org", "control characters")]
    [InlineData("bob", "a\n@example.org", "control characters")]
    public void Rows_that_cannot_be_an_account_are_skipped_with_the_reason(string username, string email, string reason)
    {
        var decision = DjangoRowPolicy.Decide(Row(username, email), NoPasswordProblem);
        Assert.False(decision.Stage);
        Assert.Equal(RowOutcome.SkippedInvalid, decision.Outcome);
        Assert.Contains(reason, decision.Reason);
    }

    [Fact]
    public void Over_long_usernames_and_emails_are_skipped()
    {
        Assert.Equal(RowOutcome.SkippedInvalid, DjangoRowPolicy.Decide(Row(new string('a', 151)), NoPasswordProblem).Outcome);
        Assert.Equal(RowOutcome.ImportedLegacyUsername, DjangoRowPolicy.Decide(Row(new string('a', 150)), NoPasswordProblem).Outcome);
        Assert.Equal(RowOutcome.SkippedInvalid, DjangoRowPolicy.Decide(Row(email: new string('a', 250) + "@x.org"), NoPasswordProblem).Outcome);
    }

    [Fact]
    public void Of_case_twins_the_one_that_logged_in_last_is_kept_else_the_one_that_joined_first()
    {
        var early = new TwinCandidate(Guid.NewGuid(), "a", Joined, null);
        var late = new TwinCandidate(Guid.NewGuid(), "b", Joined.AddDays(1), null);
        var active = new TwinCandidate(Guid.NewGuid(), "c", Joined.AddDays(2), Joined.AddDays(3));

        var skipped = DjangoRowPolicy.ChooseKeepers([[late, early]]);
        Assert.Equal(new Dictionary<Guid, Guid> { [late.Id] = early.Id }, skipped);

        skipped = DjangoRowPolicy.ChooseKeepers([[early, late, active]]);
        Assert.Equal(new Dictionary<Guid, Guid> { [early.Id] = active.Id, [late.Id] = active.Id }, skipped);
    }

    [Fact]
    public void The_report_counts_every_outcome_and_lists_every_row_not_imported_as_it_was()
    {
        var report = new DjangoImportReport("db:5432/django, table public.users", dryRun: true, pepperConfigured: true);
        report.Read(4);
        report.AddMany(RowOutcome.Imported, 1);
        report.Add(RowOutcome.AlreadyImported, Guid.NewGuid(), "seen");
        var twin = Guid.NewGuid();
        report.Add(RowOutcome.SkippedEmailCaseTwin, twin, "bob", "e-mail differs only by case");
        report.Add(RowOutcome.ImportedLegacyUsername, Guid.NewGuid(), "José", "legacy username kept");

        var text = report.Render();
        Assert.Contains("DRY RUN", text);
        Assert.Contains("Django pepper (Passwords:Django:Pepper): configured", text);
        Assert.Contains("rows read: 4, written: 2, skipped: 1", text);
        Assert.Contains($"  skipped, e-mail case twin: {twin} bob: e-mail differs only by case", text);
        Assert.Equal(2, report.Lines.Count); // nothing to say about rows imported as they were or already imported
        Assert.Equal(Enum.GetValues<RowOutcome>().Length, text.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^  [a-zA-Z ,\-]+: +\d+$")));
    }
}
