using AuthApp.Data.Passwords;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Passwords;

/// <summary>Says at start-up whether a Django pepper is configured (never its value), so a move from Django can be checked before anyone logs in.</summary>
public sealed class DjangoPepperStartupLog(IOptions<DjangoPasswordOptions> options, ILogger<DjangoPepperStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.IsPepperConfigured)
        {
            logger.LogInformation("Django pepper (Passwords:Django:Pepper): configured; imported Django password hashes are verified with it");
        }
        else
        {
            logger.LogInformation("Django pepper (Passwords:Django:Pepper): not configured; imported Django password hashes are verified without a pepper");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
