using AuthApp.Api.Audit;
using AuthApp.Api.Email;
using AuthApp.Data;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Factors;

/// <summary>
/// Each recovery code spent on a sign-in is written to the audit trail (the account as actor) and mailed to the account's
/// address, with the codes left: a stolen code used by someone else does not go unnoticed.
/// </summary>
public sealed class RecoveryCodeNotices(AuthDbContext db, AuditService audit, MailOutbox outbox, RecoveryCodes codes,
    IOptions<EmailOptions> email)
{
    public const string MailKind = "recovery_code_used";

    public async Task RecordUseAsync(User user, string? address, DateTimeOffset now, CancellationToken ct)
    {
        var left = await codes.RemainingAsync(user.Id, ct);
        audit.Add(AuditService.Entry(new StaffActor(user.Id, user.Username, address), AuditActions.UseRecoveryCode,
            AuditOutcomes.Succeeded, now, user.Id, user.Username));
        var queued = await outbox.EnqueueAsync(user.Email, user.NormalizedEmail,
            MailTemplates.RecoveryCodeUsed(MailKind, email.Value.ProductName, user.Username, now, address, left), now, ct,
            securityNotice: true);
        await db.SaveChangesAsync(ct);
        if (queued.Queued)
        {
            outbox.WakeSender();
        }
    }
}
