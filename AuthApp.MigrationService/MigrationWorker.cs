using System.Diagnostics;
using AuthApp.Data;
using AuthApp.MigrationService.DjangoImport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthApp.MigrationService;

/// <summary>
/// Applies the EF Core migrations (the only place that does), seeds the configured superuser and the clients the
/// AppHost declares, imports the
/// original Django service's users when <c>Import:Django:ConnectionString</c> is set, then stops the host.
/// The AppHost starts the API only after this exits 0.
/// </summary>
public sealed class MigrationWorker(
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    IOptions<SuperuserOptions> superuser,
    IOptions<DjangoImportOptions> djangoImport,
    DjangoImporter importer,
    ILogger<MigrationWorker> logger) : BackgroundService
{
    public static readonly ActivitySource ActivitySource = new("AuthApp.Migrations");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The import comes after the migrations, so it writes into the current schema; a failed import fails the
        // worker, and the AppHost does not start the API on a half-done move.
        if (await MigrateAsync(stoppingToken) && djangoImport.Value.IsConfigured)
        {
            await DjangoImportCommand.RunAsync(importer, logger, stoppingToken);
        }
        lifetime.StopApplication();
    }

    private static readonly TimeSpan MigrationCommandTimeout = TimeSpan.FromMinutes(15);

    private async Task<bool> MigrateAsync(CancellationToken stoppingToken)
    {
        using var activity = ActivitySource.StartActivity("Migrating database", ActivityKind.Client);
        try
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();

            // The execution strategy retries transient failures (the server may still be starting).
            // EF's command log is off for this worker (appsettings): on a new database it logs its probe of the
            // missing history table as an error. Real failures end in the one critical line below.
            // The worker also runs on every restart of its container (Container Apps restarts one that exited): with
            // nothing to apply it reads the migration history, changes nothing and writes nothing above Debug.
            // A migration that rewrites a large table (SessionHoldsRotation rewrites every session) needs more than
            // Npgsql's 30 s per command; a timeout would roll it back and the restarted worker would start over.
            db.Database.SetCommandTimeout(MigrationCommandTimeout);
            var strategy = db.Database.CreateExecutionStrategy();
            var pending = (await strategy.ExecuteAsync(() => db.Database.GetPendingMigrationsAsync(stoppingToken))).ToList();
            if (pending.Count > 0)
            {
                await strategy.ExecuteAsync(async () => await db.Database.MigrateAsync(stoppingToken));
                logger.LogInformation("Applied {Count} migration(s); the database is at {Migration}", pending.Count, pending[^1]);
            }
            else
            {
                logger.LogDebug("The database is up to date; no migration to apply");
            }

            if (superuser.Value.IsConfigured)
            {
                await scope.ServiceProvider.GetRequiredService<SuperuserSeeder>().SeedAsync(stoppingToken);
            }
            // The clients the AppHost declares are registered before the API (and the services that need them) start.
            await scope.ServiceProvider.GetRequiredService<ClientSeeder>().SeedAsync(stoppingToken);
        }
        catch (SeedException ex)
        {
            // The operator's setting, not the code, is at fault: one line with the fix, no stack trace.
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            logger.LogCritical("{Reason}", ex.Message);
            Environment.ExitCode = 1;
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            activity?.AddException(ex);
            activity?.SetStatus(ActivityStatusCode.Error);
            logger.LogCritical("Database migration failed: {Reason}", ex.GetBaseException().Message);
            Environment.ExitCode = 1;
            return false;
        }
        return true;
    }
}
