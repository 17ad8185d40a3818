using System.Globalization;
using AuthApp.Api.Users;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.Audit;

/// <summary>
/// Writes and reads the audit trail. A change and its entry share one transaction: services add the entry to
/// the unit of work (<see cref="Add"/>) before their own SaveChanges; attempts that changed nothing are
/// written on their own (<see cref="RecordAsync"/>).
/// </summary>
public sealed class AuditService(AuthDbContext db)
{
    private const int FilterMaxLength = UserRules.EmailMaxLength;

    public static AuditEntry Entry(StaffActor actor, string action, string outcome, DateTimeOffset now,
        Guid? targetUserId = null, string? targetUsername = null, string? subject = null) => new()
        {
            Id = Guid.CreateVersion7(now),
            OccurredAt = now.TruncateToMicroseconds(),
            ActorId = actor.Id,
            ActorUsername = actor.Username,
            Action = action,
            TargetUserId = targetUserId,
            TargetUsername = targetUsername,
            Subject = subject,
            ClientAddress = actor.ClientAddress,
            Outcome = outcome,
        };

    /// <summary>Adds an entry to the unit of work: it is written by the caller's SaveChanges, in the caller's transaction.</summary>
    public void Add(AuditEntry entry) => db.AuditEntries.Add(entry);

    /// <summary>Writes an entry now, for an attempt that changed nothing.</summary>
    public async Task RecordAsync(AuditEntry entry, CancellationToken ct)
    {
        db.AuditEntries.Add(entry);
        await db.SaveChangesAsync(ct);
    }

    public async Task<Outcome<Page<AuditRecord>>> ListAsync(AuditQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var page = PageQuery.Read(query.Cursor, query.Limit, errors);
        var actor = ReadText(query.Actor, "actor", errors);
        var target = ReadText(query.Target, "target", errors);
        var action = query.Action?.Trim();
        if (!string.IsNullOrEmpty(action) && !AuditActions.All.Contains(action, StringComparer.Ordinal))
        {
            errors.Add("action", $"Select a valid choice. That choice is not one of the available choices ({string.Join(", ", AuditActions.All)}).");
        }
        var from = ReadTime(query.From, "from", errors);
        var to = ReadTime(query.To, "to", errors);
        if (from is not null && to is not null && to < from)
        {
            errors.Add("to", "Ensure this time is not before 'from'.");
        }
        if (errors.Any)
        {
            return Error.Validation(errors);
        }

        var entries = db.AuditEntries.AsNoTracking();
        if (actor is not null)
        {
            entries = Guid.TryParse(actor, out var actorId)
                ? entries.Where(e => e.ActorId == actorId)
                : entries.Where(e => e.ActorUsername.ToLower() == actor.ToLowerInvariant());
        }
        if (target is not null)
        {
            entries = Guid.TryParse(target, out var targetId)
                ? entries.Where(e => e.TargetUserId == targetId || e.Subject == targetId.ToString())
                : entries.Where(e => (e.TargetUsername != null && e.TargetUsername.ToLower() == target.ToLowerInvariant()) || e.Subject == target);
        }
        if (!string.IsNullOrEmpty(action))
        {
            entries = entries.Where(e => e.Action == action);
        }
        if (from is { } since)
        {
            entries = entries.Where(e => e.OccurredAt >= since);
        }
        if (to is { } until)
        {
            entries = entries.Where(e => e.OccurredAt <= until);
        }
        if (page.After is { } cursor)
        {
            // Newest first: the next page holds what comes before the cursor.
            entries = entries.Where(e => EF.Functions.LessThan(
                ValueTuple.Create(e.OccurredAt, e.Id), ValueTuple.Create(cursor.At, cursor.Id)));
        }
        var rows = await entries.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Take(page.Limit + 1)
            .Select(e => new AuditRecord(e.Id, e.OccurredAt, e.ActorId, e.ActorUsername, e.Action, e.TargetUserId, e.TargetUsername,
                e.Subject, e.ClientAddress, e.Outcome))
            .ToListAsync(ct);
        return Page<AuditRecord>.FromRows(rows, page.Limit, row => new KeysetCursor(row.OccurredAt, row.Id));
    }

    private static string? ReadText(string? value, string field, FieldErrors errors)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (text.Length > FilterMaxLength)
        {
            errors.Add(field, $"Ensure this field has no more than {FilterMaxLength} characters.");
        }
        else if (text.Any(char.IsControl))
        {
            errors.Add(field, "This field may not contain control characters.");
        }
        return text;
    }

    private static DateTimeOffset? ReadTime(string? value, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (value.Length <= 64 &&
            DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time.ToUniversalTime();
        }
        errors.Add(field, "Enter a valid date/time (ISO 8601, like 2026-11-25T16:30:00Z).");
        return null;
    }
}
