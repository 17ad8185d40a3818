using System.Diagnostics;
using AuthApp.Data;
using AuthApp.Data.Passwords;
using Microsoft.Extensions.Options;

namespace AuthApp.MigrationService.DjangoImport;

/// <summary>
/// Moves the original Django service's users into AuthApp: reads the source once, decides each row by
/// <see cref="DjangoRowPolicy"/>, writes batches through <see cref="DjangoUserWriter"/>, and returns the report.
/// Progress goes to the log after every batch and to a traced activity with the counts.
/// </summary>
public sealed class DjangoImporter(
    IConfiguration configuration,
    IOptions<DjangoImportOptions> options,
    IOptions<DjangoPasswordOptions> django,
    TimeProvider time,
    PasswordHasher hasher,
    ILogger<DjangoImporter> logger)
{
    public const string ActivityName = "Importing Django users";

    /// <summary>Imports (or, in a dry run, rehearses), then prints the report and writes it to <see cref="DjangoImportOptions.ReportPath"/> when set.</summary>
    public async Task<DjangoImportReport> RunAndReportAsync(CancellationToken ct)
    {
        var report = await RunAsync(ct);
        var text = report.Render();
        // Printed, not logged: the operator's document (the dashboard shows it in the console log); the counts are logged too.
        Console.Out.Write(text);
        await Console.Out.FlushAsync(ct);
        if (options.Value.ReportPath is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, text, ct);
            logger.LogInformation("Django import report written to {ReportPath}", path);
        }
        return report;
    }

    public async Task<DjangoImportReport> RunAsync(CancellationToken ct)
    {
        using var activity = MigrationWorker.ActivitySource.StartActivity(ActivityName);
        try
        {
            return await RunAsync(activity, ct);
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.AddException(ex);
            activity.SetStatus(ActivityStatusCode.Error, ex is DjangoImportException ? ex.Message : null);
            throw;
        }
    }

    private async Task<DjangoImportReport> RunAsync(Activity? activity, CancellationToken ct)
    {
        var settings = options.Value;
        activity?.SetTag("django.import.dry_run", settings.DryRun);
        var started = Stopwatch.StartNew();

        var target = configuration.GetConnectionString(ResourceNames.Database)
            ?? throw new DjangoImportException($"ConnectionStrings:{ResourceNames.Database} is not set: the import needs AuthApp's database.");
        await using var source = await DjangoSource.OpenAsync(settings, ct);
        await using var writer = await DjangoUserWriter.OpenAsync(target, settings.DryRun, ct);

        var report = new DjangoImportReport(source.Description, settings.DryRun, django.Value.IsPepperConfigured);
        activity?.SetTag("django.import.source", source.Description);
        var total = await source.CountAsync(ct);
        logger.LogInformation("Django import{DryRun}: {Total} rows in {Source}; Django pepper {Pepper}",
            settings.DryRun ? " (dry run)" : "", total, source.Description, report.PepperConfigured ? "configured" : "not configured");

        var emailTwins = DjangoRowPolicy.ChooseKeepers(await source.CaseTwinsAsync("email", ct));
        var usernameTwins = DjangoRowPolicy.ChooseKeepers(await source.CaseTwinsAsync("username", ct));

        var batches = 0;
        await foreach (var rows in source.ReadAsync(settings.BatchSize, ct))
        {
            await ImportBatchAsync(rows, writer, report, emailTwins, usernameTwins, ct);
            batches++;
            activity?.AddEvent(new ActivityEvent("batch", tags: new ActivityTagsCollection
            {
                ["django.import.rows_read"] = report.RowsRead,
                ["django.import.written"] = report.Written,
                ["django.import.already_imported"] = report.Count(RowOutcome.AlreadyImported),
                ["django.import.skipped"] = report.Skipped,
            }));
            logger.LogInformation("Django import: batch {Batch}: {Read} of {Total} rows read, {Written} written, {Already} already imported, {Skipped} skipped ({Seconds:F1} s)",
                batches, report.RowsRead, total, report.Written, report.Count(RowOutcome.AlreadyImported), report.Skipped, started.Elapsed.TotalSeconds);
        }

        report.Elapsed = started.Elapsed;
        foreach (var (outcome, count) in report.Counts)
        {
            activity?.SetTag($"django.import.{outcome}", count);
        }
        activity?.SetTag("django.import.rows_read", report.RowsRead);
        logger.LogInformation("Django import{DryRun} finished: {Read} rows read, {Written} written, {Already} already imported, {Skipped} skipped in {Seconds:F1} s",
            settings.DryRun ? " (dry run, rolled back)" : "", report.RowsRead, report.Written, report.Count(RowOutcome.AlreadyImported), report.Skipped, report.Elapsed.TotalSeconds);
        return report;
    }

    /// <summary>One batch: each row decided by the policy, the ones to keep written in one transaction, all reported.</summary>
    private async Task ImportBatchAsync(IReadOnlyList<DjangoUserRow> rows, DjangoUserWriter writer, DjangoImportReport report,
        Dictionary<Guid, Guid> emailTwins, Dictionary<Guid, Guid> usernameTwins, CancellationToken ct)
    {
        report.Read(rows.Count);
        var staged = new List<StagedRow>(rows.Count);
        foreach (var row in rows)
        {
            var decision = Decide(row, emailTwins, usernameTwins);
            if (decision.Stage)
            {
                staged.Add(new StagedRow(WithLegacyDigestWrapped(row), decision));
            }
            else
            {
                report.Add(decision.Outcome, row.Id, row.Username, decision.Reason);
            }
        }

        var result = staged.Count == 0 ? new BatchResult(0, [], []) : await writer.WriteAsync(staged, time.GetUtcNow(), ct);
        report.AddMany(RowOutcome.AlreadyImported, result.AlreadyImported);
        foreach (var written in result.Written)
        {
            report.Add(written.Decision.Outcome, written.Row.Id, written.Row.Username, written.Decision.Reason);
        }
        foreach (var (row, outcome, reason) in result.Refused)
        {
            report.Add(outcome, row.Row.Id, row.Row.Username, reason);
        }
    }

    /// <summary>
    /// An MD5 or SHA-1 digest is written wrapped in Argon2id (the login verifies Argon2id of the digest, then re-hashes):
    /// no fast hash reaches AuthApp's table, and its timing no longer tells which accounts were imported with one.
    /// </summary>
    private DjangoUserRow WithLegacyDigestWrapped(DjangoUserRow row) =>
        DjangoPasswordVerifier.WrapLegacyDigest(row.Password, hasher.Hash) is { } wrapped ? row with { Password = wrapped } : row;

    private RowDecision Decide(DjangoUserRow row, Dictionary<Guid, Guid> emailTwins, Dictionary<Guid, Guid> usernameTwins)
    {
        if (emailTwins.TryGetValue(row.Id, out var keptForEmail))
        {
            return RowDecision.Skip(RowOutcome.SkippedEmailCaseTwin, $"e-mail differs only by case from that of {keptForEmail}, kept instead (it logged in last or joined first)");
        }
        if (usernameTwins.TryGetValue(row.Id, out var keptForUsername))
        {
            return RowDecision.Skip(RowOutcome.SkippedUsernameCaseTwin, $"username differs only by case from that of {keptForUsername}, kept instead (it logged in last or joined first)");
        }
        return DjangoRowPolicy.Decide(row, stored => ImportedPasswordCheck.Problem(stored, hasher));
    }
}
