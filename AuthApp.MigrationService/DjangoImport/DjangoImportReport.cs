using System.Globalization;
using System.Text;

namespace AuthApp.MigrationService.DjangoImport;

/// <summary>What became of one source row. Everything but <see cref="Imported"/> and <see cref="AlreadyImported"/> gets a report line.</summary>
public enum RowOutcome
{
    /// <summary>Imported as it was, nothing to say.</summary>
    Imported,

    /// <summary>Imported as it was; the username breaks the rules for new ones and is kept as a legacy name.</summary>
    ImportedLegacyUsername,

    /// <summary>Imported as it was; the stored password can never log in (unusable, malformed, unknown or unsupported format).</summary>
    ImportedPasswordCannotLogIn,

    /// <summary>An earlier run imported it (the ledger says so); left as it is now.</summary>
    AlreadyImported,

    /// <summary>Another row's e-mail differs from this one's only by case; that row was imported.</summary>
    SkippedEmailCaseTwin,

    /// <summary>Another row's username differs from this one's only by case; that row was imported.</summary>
    SkippedUsernameCaseTwin,

    /// <summary>An account made in AuthApp (not by an import) has this id.</summary>
    SkippedIdTaken,

    /// <summary>An AuthApp account already has this e-mail (without regard to case).</summary>
    SkippedEmailTaken,

    /// <summary>An AuthApp account already has this username (without regard to case).</summary>
    SkippedUsernameTaken,

    /// <summary>The row cannot be stored as an account (empty or over-long username or e-mail, control characters).</summary>
    SkippedInvalid,
}

public sealed record ReportLine(RowOutcome Outcome, Guid Id, string Username, string Reason);

/// <summary>
/// Counts per outcome and one line per row not imported as it was (or imported with something to know),
/// so that nothing is dropped silently. Never holds a password, a hash or the pepper.
/// </summary>
public sealed class DjangoImportReport
{
    private readonly Dictionary<RowOutcome, long> _counts = Enum.GetValues<RowOutcome>().ToDictionary(o => o, _ => 0L);
    private readonly List<ReportLine> _lines = [];

    public DjangoImportReport(string source, bool dryRun, bool pepperConfigured)
    {
        Source = source;
        DryRun = dryRun;
        PepperConfigured = pepperConfigured;
    }

    public string Source { get; }
    public bool DryRun { get; }
    public bool PepperConfigured { get; }
    public long RowsRead { get; private set; }
    public TimeSpan Elapsed { get; set; }
    public IReadOnlyDictionary<RowOutcome, long> Counts => _counts;
    public IReadOnlyList<ReportLine> Lines => _lines;

    public long Count(RowOutcome outcome) => _counts[outcome];

    public long Written => Count(RowOutcome.Imported) + Count(RowOutcome.ImportedLegacyUsername) + Count(RowOutcome.ImportedPasswordCannotLogIn);

    public long Skipped => _counts.Where(c => IsSkip(c.Key)).Sum(c => c.Value);

    public void Read(int rows) => RowsRead += rows;

    public void Add(RowOutcome outcome, Guid id, string username, string? reason = null)
    {
        _counts[outcome]++;
        if (outcome is not RowOutcome.Imported and not RowOutcome.AlreadyImported)
        {
            _lines.Add(new ReportLine(outcome, id, username, reason ?? ""));
        }
    }

    /// <summary>Counted in bulk (rows imported as they were, or found in the ledger).</summary>
    public void AddMany(RowOutcome outcome, long count) => _counts[outcome] += count;

    public static bool IsSkip(RowOutcome outcome) => outcome >= RowOutcome.SkippedEmailCaseTwin;

    public static string Label(RowOutcome outcome) => outcome switch
    {
        RowOutcome.Imported => "imported",
        RowOutcome.ImportedLegacyUsername => "imported, legacy username",
        RowOutcome.ImportedPasswordCannotLogIn => "imported, password cannot log in",
        RowOutcome.AlreadyImported => "already imported",
        RowOutcome.SkippedEmailCaseTwin => "skipped, e-mail case twin",
        RowOutcome.SkippedUsernameCaseTwin => "skipped, username case twin",
        RowOutcome.SkippedIdTaken => "skipped, id taken in AuthApp",
        RowOutcome.SkippedEmailTaken => "skipped, e-mail taken in AuthApp",
        RowOutcome.SkippedUsernameTaken => "skipped, username taken in AuthApp",
        RowOutcome.SkippedInvalid => "skipped, invalid row",
        _ => outcome.ToString(),
    };

    /// <summary>The report as text, lines sorted by outcome then id so that two runs compare line by line.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"Django import report{(DryRun ? " (DRY RUN: nothing was written)" : "")}");
        text.AppendLine(c, $"  source: {Source}");
        text.AppendLine(c, $"  Django pepper (Passwords:Django:Pepper): {(PepperConfigured ? "configured" : "not configured")}");
        text.AppendLine(c, $"  rows read: {RowsRead}, written: {Written}, skipped: {Skipped}, time: {Elapsed.TotalSeconds:F1} s");
        foreach (var (outcome, count) in _counts)
        {
            text.AppendLine(c, $"  {Label(outcome) + ":",-38}{count,10}");
        }
        text.AppendLine(c, $"Rows not imported as they were, or imported with a note ({_lines.Count}):");
        foreach (var line in _lines.OrderBy(l => l.Outcome).ThenBy(l => l.Id))
        {
            text.AppendLine(c, $"  {Label(line.Outcome)}: {line.Id} {line.Username}: {line.Reason}");
        }
        return text.ToString();
    }
}
