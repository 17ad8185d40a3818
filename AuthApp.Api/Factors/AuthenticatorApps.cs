using AuthApp.Api.Email;
using AuthApp.Data;
using AuthApp.Data.Factors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Factors;

/// <summary>
/// An account's authenticator app: enrolled (a new secret, sealed), confirmed with a first code (then it counts, and the
/// ten recovery codes are made), checked (each code once: its time step must be later than the last one accepted), and
/// disabled with a code or a recovery code.
/// </summary>
public sealed class AuthenticatorApps(AuthDbContext db, FactorKeys keys, RecoveryCodes recoveryCodes, IOptions<EmailOptions> email)
{
    private static readonly Error WrongCode = new(ErrorCodes.InvalidCode, "The code is not valid. Check the authenticator app's clock and try the next code.");

    /// <summary>A new secret for the account (replacing one not confirmed yet); refused while a confirmed app exists.</summary>
    public async Task<Outcome<TotpEnrolment>> BeginAsync(Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, ct);
        var existing = await db.TotpAuthenticators.SingleOrDefaultAsync(t => t.UserId == userId, ct);
        if (existing is { ConfirmedAt: not null })
        {
            return new Error(ErrorCodes.FactorExists, "An authenticator app is already enrolled; disable it first to enrol another.");
        }
        var secret = TotpCodes.NewSecret();
        var sealedSecret = SealedBox.Seal(keys.TotpSeal, secret, userId.ToByteArray());
        if (existing is null)
        {
            db.TotpAuthenticators.Add(new TotpAuthenticator { UserId = userId, SealedSecret = sealedSecret, CreatedAt = now });
        }
        else
        {
            (existing.SealedSecret, existing.CreatedAt, existing.LastUsedStep) = (sealedSecret, now, 0);
        }
        await db.SaveChangesAsync(ct);
        var uri = TotpCodes.OtpAuthUri(secret, email.Value.ProductName, user.Email);
        return new TotpEnrolment(TotpCodes.Base32(secret), uri, TotpCodes.QrCodePng(uri));
    }

    /// <summary>The first code from the app: the app counts from now on, and the account gets its recovery codes.</summary>
    public async Task<Outcome<RecoveryCodesResponse>> ConfirmAsync(Guid userId, string? code, DateTimeOffset now, CancellationToken ct)
    {
        var app = await db.TotpAuthenticators.SingleOrDefaultAsync(t => t.UserId == userId && t.ConfirmedAt == null, ct);
        if (app is null)
        {
            return new Error(ErrorCodes.FactorNotFound, "No authenticator app is waiting for confirmation; start the enrolment first.");
        }
        if (TotpCodes.MatchingStep(Open(app), code, now) is not { } step)
        {
            return WrongCode;
        }
        (app.ConfirmedAt, app.LastUsedStep) = (now, step);
        var codes = await recoveryCodes.ReplaceAsync(userId, now, ct);
        await db.SaveChangesAsync(ct);
        return new RecoveryCodesResponse(codes);
    }

    /// <summary>Whether <paramref name="code"/> is a fresh code of the account's confirmed app (spending its time step).</summary>
    public async Task<bool> AcceptAsync(Guid userId, string? code, DateTimeOffset now, CancellationToken ct)
    {
        var app = await db.TotpAuthenticators.AsNoTracking().SingleOrDefaultAsync(t => t.UserId == userId && t.ConfirmedAt != null, ct);
        if (app is null || TotpCodes.MatchingStep(Open(app), code, now) is not { } step)
        {
            return false;
        }
        // One statement: of two requests with the same code (or a code of an older step), at most one moves the step on.
        return await db.TotpAuthenticators.Where(t => t.UserId == userId && t.LastUsedStep < step)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.LastUsedStep, step), ct) == 1;
    }

    /// <summary>Which second factors the account has (for its owner and for staff; never a secret or a code).</summary>
    public async Task<FactorsResponse> DescribeAsync(Guid userId, CancellationToken ct)
    {
        var confirmedAt = await db.TotpAuthenticators.Where(t => t.UserId == userId && t.ConfirmedAt != null)
            .Select(t => t.ConfirmedAt).SingleOrDefaultAsync(ct);
        return new FactorsResponse(confirmedAt is not null, confirmedAt, await recoveryCodes.RemainingAsync(userId, ct),
            await db.Passkeys.CountAsync(p => p.UserId == userId, ct));
    }

    public async Task<bool> IsEnrolledAsync(Guid userId, CancellationToken ct) =>
        await db.TotpAuthenticators.AnyAsync(t => t.UserId == userId && t.ConfirmedAt != null, ct);

    /// <summary>Ten new recovery codes, the old ones void, with a fresh code from the app (a recovery code will not do).</summary>
    public async Task<Outcome<RecoveryCodesResponse>> RegenerateRecoveryCodesAsync(Guid userId, string? code, DateTimeOffset now,
        CancellationToken ct)
    {
        if (!await IsEnrolledAsync(userId, ct))
        {
            return new Error(ErrorCodes.FactorNotFound, "No authenticator app is enrolled.");
        }
        if (!await AcceptAsync(userId, code, now, ct))
        {
            return WrongCode;
        }
        var codes = await recoveryCodes.ReplaceAsync(userId, now, ct);
        await db.SaveChangesAsync(ct);
        return new RecoveryCodesResponse(codes);
    }

    /// <summary>Disables the app, with a fresh code from it or a recovery code; the recovery codes go with it.</summary>
    public async Task<Outcome<bool>> DisableAsync(Guid userId, FactorCodeRequest request, DateTimeOffset now, CancellationToken ct)
    {
        if (!await IsEnrolledAsync(userId, ct))
        {
            return new Error(ErrorCodes.FactorNotFound, "No authenticator app is enrolled.");
        }
        var proven = await AcceptAsync(userId, request.Code, now, ct) || await recoveryCodes.SpendAsync(userId, request.RecoveryCode, now, ct);
        if (!proven)
        {
            return WrongCode;
        }
        await db.TotpAuthenticators.Where(t => t.UserId == userId).ExecuteDeleteAsync(ct);
        await recoveryCodes.DeleteAllAsync(userId, ct);
        return true;
    }

    private byte[] Open(TotpAuthenticator app) => SealedBox.Open(keys.TotpSeal, app.SealedSecret, app.UserId.ToByteArray());
}
