using AuthApp.Data.Passwords;
using System.Diagnostics;
using AuthApp.Data;
using AuthApp.MigrationService.DjangoImport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthApp.MigrationService;

/// <summary>
/// Applies the EF Core migrations (the only place that does), seeds the configured superuser, imports the
/// original Django service's users when <c>Import:Django:ConnectionString</c> is set, then stops the host.
/// The AppHost starts the API only after this exits 0.
/// </summary>
public sealed class MigrationWorker(
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    IOptions<SuperuserOptions> superuser,
    IOptions<DjangoImportOptions> djangoImport,
    DjangoImporter importer,
    TimeProvider time,
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
                await SeedSuperuserAsync(db, scope.ServiceProvider.GetRequiredService<PasswordHasher>(), stoppingToken);
            }
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

    private async Task SeedSuperuserAsync(AuthDbContext db, PasswordHasher hasher, CancellationToken ct)
    {
        var options = superuser.Value;
        var normalizedEmail = UserNormalization.Email(options.Email!);
        var existing = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalizedEmail, ct);
        var now = time.GetUtcNow();
        if (existing is not null)
        {
            // Idempotent: the account keeps its password; it is only made sure to be an active superuser.
            if (!existing.IsSuperuser || !existing.IsStaff || !existing.IsActive)
            {
                existing.IsSuperuser = existing.IsStaff = existing.IsActive = true;
                existing.UpdatedAt = now;
                await db.SaveChangesAsync(ct);
                logger.LogInformation("Superuser {Email} already existed; made an active superuser again", options.Email);
                return;
            }
            logger.LogDebug("Superuser {Email} already exists", options.Email);
            return;
        }

        db.Users.Add(new User
        {
            Id = Guid.CreateVersion7(now),
            Username = options.Username.Trim(),
            NormalizedUsername = UserNormalization.Username(options.Username),
            Email = UserNormalization.EmailForDisplay(options.Email!),
            NormalizedEmail = normalizedEmail,
            PasswordHash = hasher.Hash(options.Password!),
            IsActive = true,
            IsStaff = true,
            IsSuperuser = true,
            DateJoined = now,
            UpdatedAt = now,
            // The operator configured this address: it needs no link to prove it (and can log in under Users:RequireVerifiedEmail).
            EmailVerifiedAt = now,
        });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Created superuser {Email}", options.Email);
    }
}
