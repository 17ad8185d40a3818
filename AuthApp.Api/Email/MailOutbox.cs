using AuthApp.Api.Throttling;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Email;

/// <summary>Whether a mail was queued, or held back because its address had one too recently.</summary>
public readonly record struct QueuedMail(bool Queued, TimeSpan RetryAfter);

/// <summary>
/// Adds mail to the caller's unit of work, so that it is committed with what it announces (a token, an
/// account) or not at all; the caller saves, then calls <see cref="WakeSender"/>. At most one mail per
/// address per <see cref="OutboxOptions.RecipientInterval"/>: Redis decides between concurrent requests,
/// PostgreSQL's record decides when Redis cannot answer.
/// </summary>
public sealed class MailOutbox(
    AuthDbContext db,
    OutboxSealer sealer,
    OutboxSignal signal,
    RedisThrottle throttle,
    IOptions<OutboxOptions> options,
    ApiTelemetry telemetry)
{
    private const string RecipientThrottle = "mail-recipient";

    /// <summary>
    /// Queues a mail in the caller's unit of work. At most one mail a <c>RecipientInterval</c> goes to an address, except a
    /// security notice (<paramref name="securityNotice"/>: a recovery code used, factors reset), which is bounded by what
    /// triggers it and must not be lost to an earlier mail.
    /// </summary>
    public async Task<QueuedMail> EnqueueAsync(string to, string normalizedTo, ComposedMail mail, DateTimeOffset now, CancellationToken ct,
        bool securityNotice = false)
    {
        var interval = options.Value.RecipientInterval;
        if (interval > TimeSpan.Zero && !securityNotice)
        {
            var recentInDatabase = await db.OutboxMessages.AnyAsync(m => m.NormalizedRecipient == normalizedTo && m.CreatedAt > now - interval, ct);
            var gate = recentInDatabase
                ? new ThrottleDecision(false, interval)
                : await throttle.HitAsync(RecipientThrottle, normalizedTo, new ThrottleRule { Limit = 1, Window = interval });
            if (!gate.Allowed)
            {
                telemetry.MailSuppressed.Add(1, new KeyValuePair<string, object?>("kind", mail.Kind));
                return new QueuedMail(false, gate.RetryAfter);
            }
        }

        var id = Guid.CreateVersion7(now);
        db.OutboxMessages.Add(new OutboxMessage
        {
            Id = id,
            Kind = mail.Kind,
            Recipient = to,
            NormalizedRecipient = normalizedTo,
            Subject = mail.Subject,
            SealedBody = sealer.Seal(id, mail.TextBody, mail.HtmlBody),
            CreatedAt = now,
            NextAttemptAt = now,
        });
        telemetry.MailQueued.Add(1, new KeyValuePair<string, object?>("kind", mail.Kind));
        return new QueuedMail(true, TimeSpan.Zero);
    }

    /// <summary>After the caller's commit: this instance's sender delivers at once instead of at its next poll.</summary>
    public void WakeSender() => signal.Notify();
}
