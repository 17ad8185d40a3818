namespace AuthApp.Api.Tokens;

/// <summary>
/// Rebuilds the Redis blacklist from PostgreSQL when the API starts, so that the first requests after a
/// Redis restart or flush do not each fall back to PostgreSQL while the rebuild is pending.
/// </summary>
public sealed class RevocationWarmUp(RevocationStore revocations, ILogger<RevocationWarmUp> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await revocations.RebuildAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            // Not fatal: checks fall back to PostgreSQL and the rebuild is retried on the first request.
            logger.LogWarning("Could not prepare the revocation blacklist at start-up: {Reason}", ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
