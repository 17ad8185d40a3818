namespace AuthApp.Api.Factors;

/// <summary>
/// Step-up: changing what protects an account (its password, its e-mail address, its recovery codes) takes a fresh second
/// factor when the account has one — a code from the authenticator app, or a recovery code, sent with the change. A stolen
/// access token alone then cannot take the account over.
/// </summary>
public sealed class StepUp(AuthenticatorApps apps, RecoveryCodes recoveryCodes)
{
    /// <summary>Null when the change may go ahead: the account has no second factor, or <paramref name="code"/> proves it.</summary>
    public async Task<Error?> CheckAsync(Guid userId, string? code, DateTimeOffset now, CancellationToken ct)
    {
        if (!await apps.IsEnrolledAsync(userId, ct))
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(code))
        {
            return new Error(ErrorCodes.StepUpRequired,
                "This account has a second factor: send second_factor_code (a code from the authenticator app, or a recovery code) with this change.");
        }
        var proven = code.Trim().All(c => char.IsAsciiDigit(c) || c == ' ')
            ? await apps.AcceptAsync(userId, code, now, ct)
            : await recoveryCodes.SpendAsync(userId, code, now, ct);
        return proven ? null : new Error(ErrorCodes.InvalidCode, "The second-factor code is not valid.");
    }
}
