namespace AuthApp.Api.Factors;

/// <summary>An authenticator app being enrolled: the secret (to type in), the <c>otpauth://</c> URI and its QR code (to scan).</summary>
public sealed record TotpEnrolment(string Secret, string OtpauthUri, string QrCode);

/// <summary>A code from the authenticator app, or one of the recovery codes.</summary>
public sealed record FactorCodeRequest(string? Code, string? RecoveryCode);

/// <summary>The account's ten new recovery codes, shown this once.</summary>
public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

/// <summary>Which second factors the account has.</summary>
public sealed record FactorsResponse(bool Totp, DateTimeOffset? TotpConfirmedAt, int RecoveryCodesLeft);

/// <summary>The second half of a login: the challenge the first half answered with, and a factor.</summary>
public sealed record SecondFactorRequest(string? Challenge, string? Code, string? RecoveryCode);

/// <summary>The factors a challenge may be answered with, as the challenge names them.</summary>
public static class FactorNames
{
    public const string Totp = "totp";
    public const string RecoveryCode = "recovery_code";
}
