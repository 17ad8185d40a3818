using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Tokens;

/// <summary>
/// Deletes sessions a day after they ended (revoked, past their absolute end, or idle past their refresh token's
/// expiry), and mailed account tokens a day after they expired. The day keeps recent rows for support questions.
/// </summary>
public sealed class ExpiredTokenCleanup(IServiceScopeFactory scopes, TimeProvider time, IOptions<JwtOptions> options, ILogger<ExpiredTokenCleanup> logger)
    : BackgroundService
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CleanupInterval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
                var cutoff = time.GetUtcNow() - Retention;
                // A session whose current refresh token has expired has ended too: every older token of its chain
                // expired no later, and no refresh can start from it again.
                var sessions = await db.Sessions.Where(s => s.ExpiresAt < cutoff || s.RevokedAt < cutoff || s.RefreshExpiresAt < cutoff)
                    .ExecuteDeleteInBatchesAsync(stoppingToken);
                var accountTokens = await db.AccountTokens.Where(t => t.ExpiresAt < cutoff).ExecuteDeleteInBatchesAsync(stoppingToken);
                var challenges = await db.LoginChallenges.Where(c => c.ExpiresAt < cutoff).ExecuteDeleteInBatchesAsync(stoppingToken)
                    + await db.PasskeyCeremonies.Where(c => c.ExpiresAt < cutoff).ExecuteDeleteInBatchesAsync(stoppingToken);
                if (sessions + accountTokens + challenges > 0)
                {
                    logger.LogInformation("Cleaned up {Sessions} ended sessions, {AccountTokens} expired account tokens and " +
                        "{Challenges} expired login challenges and passkey ceremonies", sessions, accountTokens, challenges);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Token cleanup failed and will run again later: {Reason}", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
