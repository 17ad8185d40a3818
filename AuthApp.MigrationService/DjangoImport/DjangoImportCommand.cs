namespace AuthApp.MigrationService.DjangoImport;

/// <summary>
/// <c>dotnet run --project AuthApp.MigrationService -- import-django [--dry-run]</c>: the import alone, against a
/// migrated AuthApp database (<c>ConnectionStrings:authdb</c>) and the original's (<c>Import:Django:ConnectionString</c>).
/// Exits 0 when the import ran to its end, 1 with one clear message when it could not.
/// </summary>
public sealed class DjangoImportCommand(DjangoImporter importer, IHostApplicationLifetime lifetime, ILogger<DjangoImportCommand> logger) : BackgroundService
{
    public const string Name = "import-django";
    public const string DryRunSwitch = "--dry-run";

    public static bool IsRequested(string[] args) => args.Contains(Name, StringComparer.Ordinal);

    /// <summary>The arguments the host's configuration sees: the command word dropped, <c>--dry-run</c> turned into <c>Import:Django:DryRun=true</c>.</summary>
    public static string[] ConfigurationArguments(string[] args) =>
    [
        .. args.Where(a => a != Name && a != DryRunSwitch),
        .. args.Contains(DryRunSwitch, StringComparer.Ordinal) ? [$"{DjangoImportOptions.Section}:{nameof(DjangoImportOptions.DryRun)}=true"] : Array.Empty<string>(),
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await RunAsync(importer, logger, stoppingToken);
        lifetime.StopApplication();
    }

    /// <summary>Runs the import; a failure is one critical line and exit code 1, never a stack trace.</summary>
    public static async Task<bool> RunAsync(DjangoImporter importer, ILogger logger, CancellationToken ct)
    {
        try
        {
            await importer.RunAndReportAsync(ct);
            return true;
        }
        catch (DjangoImportException ex)
        {
            logger.LogCritical("Django import failed: {Reason}", ex.Message);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or IOException)
        {
            logger.LogCritical("Django import failed, the batch in progress was rolled back; run it again to resume: {Reason}", ex.GetBaseException().Message);
        }
        Environment.ExitCode = 1;
        return false;
    }
}
