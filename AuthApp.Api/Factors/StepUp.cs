namespace AuthApp.Api.Factors;

/// <summary>
/// Step-up: changing what protects an account (its password, its e-mail address, its recovery codes, its passkeys) takes
/// a fresh second factor when the account has one — a code from the authenticator app, a recovery code, or a passkey,
/// sent with the change. A stolen access token alone then cannot take the account over.
/// </summary>
public sealed class StepUp(AuthenticatorApps apps, RecoveryCodes recoveryCodes, Passkeys passkeys)
{
    /// <summary>Null when the change may go ahead: the account has no second factor, or the proof holds.</summary>
    public Task<Error?> CheckAsync(Guid userId, string? code, DateTimeOffset now, CancellationToken ct) =>
        CheckAsync(userId, new FactorChangeProof(code, null), now, ct);

    public async Task<Error?> CheckAsync(Guid userId, FactorChangeProof? proof, DateTimeOffset now, CancellationToken ct)
    {
        var hasApp = await apps.IsEnrolledAsync(userId, ct);
        var hasPasskey = await passkeys.AnyAsync(userId, ct); // counted even while passkeys are off: no silent downgrade
        if (!hasApp && !hasPasskey)
        {
            return null;
        }
        if (proof?.SecondFactorPasskey is { } answer && hasPasskey)
        {
            var verified = await passkeys.VerifyAssertionAsync(userId, PasskeyPurpose.StepUp, answer, now, ct);
            return verified.Error;
        }
        var code = proof?.SecondFactorCode;
        if (string.IsNullOrWhiteSpace(code) || !hasApp)
        {
            return new Error(ErrorCodes.StepUpRequired, hasApp
                ? "This account has a second factor: send second_factor_code (a code from the authenticator app, or a recovery code) or second_factor_passkey with this change."
                : "This account has a passkey: send second_factor_passkey (an answer to POST /api/v1/user/passkeys/assertion-options) with this change.");
        }
        var proven = code.Trim().All(c => char.IsAsciiDigit(c) || c == ' ')
            ? await apps.AcceptAsync(userId, code, now, ct)
            : await recoveryCodes.SpendAsync(userId, code, now, ct);
        return proven ? null : new Error(ErrorCodes.InvalidCode, "The second-factor code is not valid.");
    }
}
