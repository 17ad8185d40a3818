using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Audit;

/// <summary>Deletes audit entries older than <see cref="AuditOptions.Retention"/>, every <see cref="AuditOptions.CleanupInterval"/>.</summary>
public sealed class AuditRetention(IServiceScopeFactory scopes, TimeProvider time, IOptions<AuditOptions> options, ILogger<AuditRetention> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CleanupInterval, time);
        do
        {
            try
            {
                await DeleteExpiredAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Audit clean-up failed and will run again later: {Reason}", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> DeleteExpiredAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        var deleted = await db.AuditEntries.Where(e => e.OccurredAt < cutoff).ExecuteDeleteInBatchesAsync(ct);
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Count} audit entries older than {Retention}", deleted, options.Value.Retention);
        }
        return deleted;
    }
}
