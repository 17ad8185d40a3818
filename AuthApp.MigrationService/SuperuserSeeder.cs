using System.Net.Mail;
using AuthApp.Data;
using AuthApp.Data.Passwords;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AuthApp.MigrationService;

/// <summary>
/// A seed the operator asked for and that cannot be applied as asked: the message names the conflict and the fix in one
/// line, because it is read in a terminal by someone who just typed a setting, not by a developer with a debugger.
/// </summary>
public sealed class SeedException(string message) : Exception(message);

/// <summary>
/// Django's <c>createsuperuser</c>, idempotent: the account with the configured e-mail is created once, then only made
/// sure to be an active superuser (it keeps its password). Another account holding the configured username is a
/// conflict the operator has to resolve; the seed never takes an account over.
/// </summary>
public sealed class SuperuserSeeder(
    AuthDbContext db,
    PasswordHasher hasher,
    IOptions<SuperuserOptions> superuser,
    TimeProvider time,
    ILogger<SuperuserSeeder> logger)
{
    /// <summary>The shortest password the seed accepts: the API's own minimum for any account.</summary>
    public const int MinPasswordLength = 8;

    public async Task SeedAsync(CancellationToken ct)
    {
        var options = superuser.Value;
        ThrowIfInvalid(options);
        var existing = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == UserNormalization.Email(options.Email!), ct);
        if (existing is not null)
        {
            await KeepSuperuserAsync(existing, options, ct);
            return;
        }
        await ThrowIfUsernameTakenAsync(options, ct);
        await CreateAsync(options, ct);
    }

    private static void ThrowIfInvalid(SuperuserOptions options)
    {
        if (!MailAddress.TryCreate(options.Email!.Trim(), out _))
        {
            throw new SeedException(
                $"AuthApp:Superuser:Email '{options.Email}' is not an e-mail address; set it to the superuser's address.");
        }
        // A reserved name is fine here: the default superuser is "superuser", which nobody else may register.
        var problems = UsernameRules.Check(options.Username.Trim()).Where(p => p != UsernameProblem.Reserved).ToList();
        if (problems.Count > 0)
        {
            throw new SeedException($"AuthApp:Superuser:Username '{options.Username}' is not a valid username "
                + $"({string.Join(", ", problems)}); use 3–30 letters and digits.");
        }
        if (options.Password!.Length < MinPasswordLength)
        {
            throw new SeedException(
                $"The superuser password (Parameters:superuser-password) has fewer than {MinPasswordLength} characters; set a longer one.");
        }
    }

    private async Task KeepSuperuserAsync(User existing, SuperuserOptions options, CancellationToken ct)
    {
        if (existing.IsSuperuser && existing.IsStaff && existing.IsActive)
        {
            logger.LogDebug("Superuser {Email} already exists", options.Email);
            return;
        }
        existing.IsSuperuser = existing.IsStaff = existing.IsActive = true;
        existing.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Superuser {Email} already existed; made an active superuser again", options.Email);
    }

    private async Task ThrowIfUsernameTakenAsync(SuperuserOptions options, CancellationToken ct)
    {
        var normalized = UserNormalization.Username(options.Username);
        var holder = await db.Users.AsNoTracking()
            .Where(u => u.NormalizedUsername == normalized)
            .Select(u => u.Email)
            .SingleOrDefaultAsync(ct);
        if (holder is not null)
        {
            throw UsernameConflict(options, holder);
        }
    }

    private async Task CreateAsync(SuperuserOptions options, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var user = User.NewAccount(options.Username, options.Email!, hasher.Hash(options.Password!), now);
        user.IsStaff = user.IsSuperuser = true;
        // The operator configured this address: it needs no link to prove it (and can log in under Users:RequireVerifiedEmail).
        user.EmailVerifiedAt = now;
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.GetBaseException() is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Someone registered the name or address between the look-up and the insert.
            throw UsernameConflict(options, holderEmail: null);
        }
        logger.LogInformation("Created superuser {Email}", options.Email);
    }

    private static SeedException UsernameConflict(SuperuserOptions options, string? holderEmail) => new(
        $"The superuser cannot be seeded: the username '{options.Username.Trim()}' belongs to another account"
        + (holderEmail is null ? "" : $" ({holderEmail})")
        + $". Set AuthApp:Superuser:Username to a free name, or AuthApp:Superuser:Email to that account's address.");
}
