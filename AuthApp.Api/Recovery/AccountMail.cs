using AuthApp.Api.Email;
using AuthApp.Data;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Recovery;

/// <summary>
/// Queues the two account mails, each with a new token, in the caller's unit of work: the token is added
/// only when its mail is (an address that had a mail within the minute gets neither).
/// </summary>
public sealed class AccountMail(AuthDbContext db, MailOutbox outbox, IOptions<EmailOptions> email, IOptions<RecoveryOptions> recovery)
{
    public const string ResetPath = "reset-password";
    public const string ConfirmPath = "confirm-email";

    public Task<QueuedMail> QueuePasswordResetAsync(User user, DateTimeOffset now, CancellationToken ct) =>
        QueueAsync(user, AccountTokenPurposes.PasswordReset, recovery.Value.ResetTokenLifetime, ResetPath, MailTemplates.PasswordReset, now, ct);

    public Task<QueuedMail> QueueConfirmationAsync(User user, DateTimeOffset now, CancellationToken ct) =>
        QueueAsync(user, AccountTokenPurposes.EmailConfirmation, recovery.Value.ConfirmationTokenLifetime, ConfirmPath, MailTemplates.EmailConfirmation, now, ct);

    /// <summary>After the caller's save.</summary>
    public void WakeSender() => outbox.WakeSender();

    private async Task<QueuedMail> QueueAsync(User user, string purpose, TimeSpan lifetime, string path,
        Func<string, string, string, Uri, TimeSpan, ComposedMail> template, DateTimeOffset now, CancellationToken ct)
    {
        var (token, text) = AccountTokens.Create(user, purpose, now, lifetime);
        var link = new Uri(email.Value.LinkBase, $"{path}#token={text}");
        var queued = await outbox.EnqueueAsync(user.Email, user.NormalizedEmail,
            template(purpose, email.Value.ProductName, user.Username, link, lifetime), now, ct);
        if (queued.Queued)
        {
            db.AccountTokens.Add(token);
        }
        return queued;
    }
}
