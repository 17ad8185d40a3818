using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Recovery;

/// <summary>A forgot-password request accepted by the endpoint: the address as compared, and the request's time.</summary>
public sealed record ForgotPasswordWork(string NormalizedEmail, DateTimeOffset RequestedAt);

/// <summary>
/// Forgot-password requests are answered before anyone looks the address up: the endpoint does the same
/// work for every address (validate, throttle, enqueue here), and the lookup, the token and the mail
/// happen in <see cref="ForgotPasswordWorker"/>, off the request's clock. A full queue drops the request
/// (counted and logged); the caller still gets 202, as for any address.
/// </summary>
public sealed class ForgotPasswordQueue(IOptions<RecoveryOptions> options)
{
    private readonly Channel<ForgotPasswordWork> _channel = Channel.CreateBounded<ForgotPasswordWork>(
        new BoundedChannelOptions(options.Value.ForgotQueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    public bool TryEnqueue(ForgotPasswordWork work) => _channel.Writer.TryWrite(work);

    public IAsyncEnumerable<ForgotPasswordWork> ReadAllAsync(CancellationToken ct) => _channel.Reader.ReadAllAsync(ct);
}

/// <summary>Looks up each queued address and, for an active account, queues a reset mail.</summary>
public sealed class ForgotPasswordWorker(ForgotPasswordQueue queue, IServiceScopeFactory scopes, ILogger<ForgotPasswordWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var work in queue.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<RecoveryService>().SendResetAsync(work, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("A forgot-password request could not be handled: {Error}: {Reason}", ex.GetType().Name, ex.Message);
            }
        }
    }
}
