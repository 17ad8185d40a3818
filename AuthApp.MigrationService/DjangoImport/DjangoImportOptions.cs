using System.ComponentModel.DataAnnotations;

namespace AuthApp.MigrationService.DjangoImport;

/// <summary>
/// The import from the original Django service (section <c>Import:Django</c>). Unset, there is no import;
/// the AppHost sets the connection string from its secret parameter <c>django-db</c>.
/// </summary>
public sealed class DjangoImportOptions
{
    public const string Section = "Import:Django";

    /// <summary>Npgsql connection string of the original's database; only read, never written.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Read, check and report everything, then roll back: the target keeps nothing.</summary>
    public bool DryRun { get; set; }

    /// <summary>The original's table (Django's <c>db_table = 'users'</c>).</summary>
    [RegularExpression("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    public string Schema { get; set; } = "public";

    [RegularExpression("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    public string Table { get; set; } = "users";

    /// <summary>Rows per COPY and per transaction; an interrupted import keeps its committed batches and resumes after them.</summary>
    [Range(100, 1_000_000)]
    public int BatchSize { get; set; } = 50_000;

    /// <summary>Where to write the full report too (it is always printed).</summary>
    public string? ReportPath { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString);
}
