using System.Text.Json;

namespace AuthApp.Api.Factors;

/// <summary>An authenticator app being enrolled: the secret (to type in), the <c>otpauth://</c> URI and its QR code (to scan).</summary>
public sealed record TotpEnrolment(string Secret, string OtpauthUri, string QrCode);

/// <summary>A code from the authenticator app, or one of the recovery codes.</summary>
public sealed record FactorCodeRequest(string? Code, string? RecoveryCode);

/// <summary>The account's ten new recovery codes, shown this once.</summary>
public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

/// <summary>Which second factors the account has.</summary>
public sealed record FactorsResponse(bool Totp, DateTimeOffset? TotpConfirmedAt, int RecoveryCodesLeft, int Passkeys = 0);

/// <summary>The second half of a login: the challenge the first half answered with, and a factor.</summary>
public sealed record SecondFactorRequest(string? Challenge, string? Code, string? RecoveryCode, PasskeyAnswer? Passkey = null);

/// <summary>
/// A WebAuthn ceremony begun: its id (sent back with the answer) and the options for <c>navigator.credentials.create()</c>
/// or <c>.get()</c> in WebAuthn's JSON form (binary values base64url), as <c>PublicKeyCredential.parse…OptionsFromJSON</c> reads them.
/// </summary>
public sealed record PasskeyCeremonyResponse(Guid Ceremony, JsonElement Options);

/// <summary>The browser's answer to a ceremony: its id and the credential, as <c>PublicKeyCredential.toJSON()</c> gives it.</summary>
public sealed record PasskeyAnswer(Guid? Ceremony, JsonElement? Credential);

/// <summary>A new passkey: the registration ceremony's answer, and the name to know it by.</summary>
public sealed record PasskeyRegistrationRequest(Guid? Ceremony, string? Name, JsonElement? Credential);

/// <summary>A passkey as its owner sees it; never its key.</summary>
public sealed record PasskeyView(Guid Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool BackupEligible, bool BackedUp);

public sealed record PasskeyRenameRequest(string? Name);

/// <summary>A change to the account's factors, proven by one of them when the account has any (step-up).</summary>
public sealed record FactorChangeProof(string? SecondFactorCode, PasskeyAnswer? SecondFactorPasskey);

/// <summary>A passkey for the second half of a login: the challenge the password half answered with.</summary>
public sealed record LoginChallengeRequest(string? Challenge);

/// <summary>What a passkey's answer is for: each ceremony serves the one it was begun for.</summary>
public enum PasskeyPurpose
{
    SignIn,
    SecondStep,
    StepUp,
}

/// <summary>The factors a challenge may be answered with, as the challenge names them.</summary>
public static class FactorNames
{
    public const string Totp = "totp";
    public const string RecoveryCode = "recovery_code";
    public const string Passkey = "passkey";
}
