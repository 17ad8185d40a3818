using System.Diagnostics.Metrics;

namespace AuthApp.Api.Common;

/// <summary>AuthApp's own metrics, exported through ServiceDefaults (meter "AuthApp").</summary>
public sealed class ApiTelemetry : IDisposable
{
    public const string Name = "AuthApp";

    private readonly Meter _meter;

    public ApiTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        TokensIssued = _meter.CreateCounter<long>("authapp.tokens.issued", description: "Tokens issued, by token_type.");
        LoginFailures = _meter.CreateCounter<long>("authapp.logins.failed", description: "Failed login attempts.");
        Logins = _meter.CreateCounter<long>("authapp.logins.succeeded", description: "Successful logins.");
        RefreshReuse = _meter.CreateCounter<long>("authapp.refresh.reuse_detected", description: "Spent refresh tokens presented again.");
        HashingQueue = _meter.CreateUpDownCounter<long>("authapp.password_hashing.queued", description: "Password hashes waiting for a slot.");
        HashingRejected = _meter.CreateCounter<long>("authapp.password_hashing.rejected", description: "Requests refused because hashing was saturated.");
        Throttled = _meter.CreateCounter<long>("authapp.throttle.rejected", description: "Requests refused by a throttle, by kind.");
        ThrottleUnavailable = _meter.CreateCounter<long>("authapp.throttle.unavailable", description: "Throttle checks skipped because Redis did not answer.");
        RevocationFallbacks = _meter.CreateCounter<long>("authapp.revocation.database_fallbacks", description: "Revocation checks answered by PostgreSQL because Redis could not.");
        MailQueued = _meter.CreateCounter<long>("authapp.mail.queued", description: "Mails written to the outbox, by kind.");
        MailSuppressed = _meter.CreateCounter<long>("authapp.mail.suppressed", description: "Mails not queued because their address had one within the interval, by kind.");
        MailSent = _meter.CreateCounter<long>("authapp.mail.sent", description: "Mails the SMTP server accepted, by kind.");
        MailFailed = _meter.CreateCounter<long>("authapp.mail.failed", description: "Failed delivery attempts, by kind and permanence.");
        MailAbandoned = _meter.CreateCounter<long>("authapp.mail.abandoned", description: "Mails given up (refused for good or too many attempts), by kind.");
        MailDeliveryDelay = _meter.CreateHistogram<double>("authapp.mail.delivery_delay", unit: "s", description: "From queued to accepted by the SMTP server.");
        RecoveryRequests = _meter.CreateCounter<long>("authapp.recovery.requests", description: "Account-recovery requests, by step and outcome.");
    }

    public Counter<long> TokensIssued { get; }
    public Counter<long> LoginFailures { get; }
    public Counter<long> Logins { get; }
    public Counter<long> RefreshReuse { get; }
    public UpDownCounter<long> HashingQueue { get; }
    public Counter<long> HashingRejected { get; }
    public Counter<long> RevocationFallbacks { get; }
    public Counter<long> Throttled { get; }
    public Counter<long> ThrottleUnavailable { get; }
    public Counter<long> MailQueued { get; }
    public Counter<long> MailSuppressed { get; }
    public Counter<long> MailSent { get; }
    public Counter<long> MailFailed { get; }
    public Counter<long> MailAbandoned { get; }
    public Histogram<double> MailDeliveryDelay { get; }
    public Counter<long> RecoveryRequests { get; }

    public void Dispose() => _meter.Dispose();
}
