using System.Diagnostics;
using System.Security.Cryptography;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Email;

/// <summary>
/// Delivers the outbox. Each round claims due messages with a lease (one UPDATE … FOR UPDATE SKIP LOCKED,
/// so instances never claim the same row), sends them over one SMTP session, and records each result under
/// that lease: sent (body erased), retried later with a doubling back-off, or abandoned. A message is sent
/// again only if an instance dies between the server's acceptance and that record, after the lease ends
/// (SMTP has no way to ask whether a message arrived); it then keeps its Message-Id.
/// </summary>
public sealed class OutboxSender(
    IServiceScopeFactory scopes,
    IMailTransport transport,
    OutboxSealer sealer,
    OutboxSignal signal,
    TimeProvider time,
    IOptions<OutboxOptions> options,
    ApiTelemetry telemetry,
    ILogger<OutboxSender> logger) : BackgroundService
{
    private static readonly ActivitySource Activities = new(ApiTelemetry.Name);
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextCleanup = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await DeliverDueAsync(stoppingToken);
                if (time.GetUtcNow() >= nextCleanup)
                {
                    await DeleteOldMessagesAsync(stoppingToken);
                    nextCleanup = time.GetUtcNow() + CleanupInterval;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("The outbox round failed and will run again: {Error}: {Reason}", ex.GetType().Name, ex.Message);
            }
            // A full batch may mean more is due at once; otherwise sleep until new mail or the next poll.
            if (claimed < options.Value.BatchSize)
            {
                await signal.WaitAsync(options.Value.PollInterval, time, stoppingToken);
            }
        }
    }

    /// <summary>One round: claim, send, record. Returns how many messages were claimed.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        var settings = options.Value;
        var now = time.GetUtcNow();
        var lease = Guid.NewGuid();
        var leasedUntil = now + settings.Lease;
        var claimed = await db.OutboxMessages.FromSql($"""
            UPDATE outbox_messages SET lease_id = {lease}, leased_until = {leasedUntil}, attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM outbox_messages
                WHERE sent_at IS NULL AND abandoned_at IS NULL AND next_attempt_at <= {now}
                  AND (leased_until IS NULL OR leased_until <= {now})
                ORDER BY next_attempt_at
                LIMIT {settings.BatchSize}
                FOR UPDATE SKIP LOCKED)
            RETURNING id, kind, recipient, normalized_recipient, subject, sealed_body, created_at, next_attempt_at, attempts,
                      lease_id, leased_until, sent_at, abandoned_at, last_error
            """).AsNoTracking().ToListAsync(ct);
        if (claimed.Count == 0)
        {
            return 0;
        }

        using var activity = Activities.StartActivity("outbox deliver");
        activity?.SetTag("authapp.mail.count", claimed.Count);
        IMailConnection? connection = null;
        string? connectError = null;
        try
        {
            connection = await transport.ConnectAsync(ct);
        }
        catch (MailDeliveryException ex)
        {
            connectError = ex.Message;
        }
        await using (connection)
        {
            foreach (var message in claimed)
            {
                var failure = connectError is null ? await SendAsync(connection!, message, ct) : (connectError, false);
                await RecordAsync(db, message, lease, failure, ct);
            }
        }
        return claimed.Count;
    }

    private async Task<(string Reason, bool Permanent)?> SendAsync(IMailConnection connection, OutboxMessage message, CancellationToken ct)
    {
        string text, html;
        try
        {
            (text, html) = sealer.Open(message.Id, message.SealedBody ?? []);
        }
        catch (CryptographicException)
        {
            // Sealed under another deployment secret (Jwt:SigningKey changed): no attempt can read it.
            return ("The body cannot be opened with the current Jwt:SigningKey.", true);
        }
        try
        {
            await connection.SendAsync(new OutgoingMail(message.Id, message.Kind, message.Recipient, message.Subject, text, html), ct);
            return null;
        }
        catch (MailDeliveryException ex)
        {
            return (ex.Message, ex.Permanent);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Anything else (an address MimeKit cannot parse, a client in a bad state) is still an attempt on the record,
            // so that a message that always fails ends abandoned instead of being claimed for ever.
            return ($"{ex.GetType().Name}: {ex.Message}", false);
        }
    }

    private async Task RecordAsync(AuthDbContext db, OutboxMessage message, Guid lease, (string Reason, bool Permanent)? failure, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var kind = new KeyValuePair<string, object?>("kind", message.Kind);
        var mine = db.OutboxMessages.Where(m => m.Id == message.Id && m.LeaseId == lease);
        int recorded;
        if (failure is null)
        {
            recorded = await mine.ExecuteUpdateAsync(set => set
                .SetProperty(m => m.SentAt, now).SetProperty(m => m.SealedBody, (byte[]?)null)
                .SetProperty(m => m.LeasedUntil, (DateTimeOffset?)null).SetProperty(m => m.LastError, (string?)null), ct);
            telemetry.MailSent.Add(1, kind);
            telemetry.MailDeliveryDelay.Record((now - message.CreatedAt).TotalSeconds, kind);
            logger.LogInformation("Sent {Kind} message {MessageId} (attempt {Attempt})", message.Kind, message.Id, message.Attempts);
        }
        else if (failure.Value.Permanent || message.Attempts >= options.Value.MaxAttempts)
        {
            recorded = await mine.ExecuteUpdateAsync(set => set
                .SetProperty(m => m.AbandonedAt, now).SetProperty(m => m.SealedBody, (byte[]?)null)
                .SetProperty(m => m.LeasedUntil, (DateTimeOffset?)null).SetProperty(m => m.LastError, Truncate(failure.Value.Reason)), ct);
            telemetry.MailFailed.Add(1, kind, new KeyValuePair<string, object?>("permanent", failure.Value.Permanent));
            telemetry.MailAbandoned.Add(1, kind);
            logger.LogError("Gave up on {Kind} message {MessageId} after {Attempts} attempts: {Reason}",
                message.Kind, message.Id, message.Attempts, failure.Value.Reason);
        }
        else
        {
            var retryAt = now + BackOff(message.Attempts);
            recorded = await mine.ExecuteUpdateAsync(set => set
                .SetProperty(m => m.NextAttemptAt, retryAt).SetProperty(m => m.LeasedUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.LastError, Truncate(failure.Value.Reason)), ct);
            telemetry.MailFailed.Add(1, kind, new KeyValuePair<string, object?>("permanent", false));
            logger.LogWarning("Could not send {Kind} message {MessageId} (attempt {Attempt}); retrying at {RetryAt:O}: {Reason}",
                message.Kind, message.Id, message.Attempts, retryAt, failure.Value.Reason);
        }
        if (recorded == 0)
        {
            logger.LogWarning("The lease on message {MessageId} ran out before its result was recorded; another instance may send it again", message.Id);
        }
    }

    /// <summary>base × 2^(attempt−1), at most the maximum, plus up to 20 % so that instances do not retry in step.</summary>
    public TimeSpan BackOff(int attempt)
    {
        var settings = options.Value;
        var doubled = settings.RetryBaseDelay * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var delay = doubled < settings.RetryMaxDelay ? doubled : settings.RetryMaxDelay;
        return delay * (1 + Random.Shared.NextDouble() * 0.2);
    }

    private async Task DeleteOldMessagesAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        var deleted = await db.OutboxMessages.Where(m => m.SentAt < cutoff || m.AbandonedAt < cutoff).ExecuteDeleteInBatchesAsync(ct);
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Count} outbox messages past their retention", deleted);
        }
    }

    private static string Truncate(string reason) => reason.Length <= 500 ? reason : reason[..500];
}
