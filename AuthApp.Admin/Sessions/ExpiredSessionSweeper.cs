namespace AuthApp.Admin.Sessions;

/// <summary>Ends idle and over-age console sessions, and their API sessions with the API's logout.</summary>
public sealed class ExpiredSessionSweeper(ConsoleSessionStore store, IServiceScopeFactory scopes, TimeProvider time, ILogger<ExpiredSessionSweeper> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var session in store.RemoveExpired())
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<SessionTokens>().SignOutAsync(session, stoppingToken);
                    logger.LogInformation("The console session of {Username} expired and was logged out", session.Username);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning("Could not log out an expired console session: {Reason}", ex.Message);
                }
            }
        }
    }
}
