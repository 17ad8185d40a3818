using AuthApp.Api.Factors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuthApp.Api.SignIn.Pages;

/// <summary>
/// "Two-step sign-in" on the account page: set up an authenticator app (scan the QR code, type its first code, keep the
/// ten recovery codes shown once), make new recovery codes, or turn it off — the JSON routes' code
/// (<see cref="AuthenticatorApps"/>), for the signed-in person.
/// </summary>
[Authorize(AuthenticationSchemes = SignInCookie.Scheme)]
public sealed class TwoStepModel(AuthenticatorApps apps, RecoveryCodes recoveryCodes, FreshSignIn freshSignIn, TimeProvider time)
    : AccountPageModel
{
    public bool Enrolled { get; private set; }

    public int RecoveryCodesLeft { get; private set; }

    /// <summary>Set while an app is being set up: what to scan or type into it.</summary>
    public TotpEnrolment? Enrolment { get; private set; }

    /// <summary>Set once, right after they were made: the new recovery codes.</summary>
    public IReadOnlyList<string>? NewRecoveryCodes { get; private set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? RecoveryCode { get; set; }

    private Guid UserId => SignInCookie.Read(User)!.Value.UserId;

    public async Task OnGetAsync(CancellationToken ct) => await ReadStateAsync(ct);

    public async Task<IActionResult> OnPostBeginAsync(CancellationToken ct)
    {
        // An account with a passkey sets an app up only from a recent sign-in (a confirmed app refuses a second anyway).
        var (userId, sessionId) = SignInCookie.Read(User)!.Value;
        if (!await apps.IsEnrolledAsync(userId, ct) && await freshSignIn.IsStaleAsync(userId, sessionId, ct))
        {
            await ReadStateAsync(ct);
            return Refuse(FreshSignIn.Stale);
        }
        var begun = await apps.BeginAsync(UserId, time.GetUtcNow(), ct);
        await ReadStateAsync(ct);
        if (begun.Error is { } refused)
        {
            return Refuse(refused);
        }
        Enrolment = begun.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct)
    {
        var confirmed = await apps.ConfirmAsync(UserId, Code, time.GetUtcNow(), ct);
        await ReadStateAsync(ct);
        if (confirmed.Error is { } refused)
        {
            return Refuse(refused);
        }
        NewRecoveryCodes = confirmed.Value!.RecoveryCodes;
        return Page();
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync(CancellationToken ct)
    {
        var made = await apps.RegenerateRecoveryCodesAsync(UserId, Code, time.GetUtcNow(), ct);
        await ReadStateAsync(ct);
        if (made.Error is { } refused)
        {
            return Refuse(refused);
        }
        NewRecoveryCodes = made.Value!.RecoveryCodes;
        return Page();
    }

    public async Task<IActionResult> OnPostTurnOffAsync(CancellationToken ct)
    {
        var off = await apps.DisableAsync(UserId, new FactorCodeRequest(Code, RecoveryCode), time.GetUtcNow(), ct);
        await ReadStateAsync(ct);
        return off.Error is { } refused ? Refuse(refused) : Page();
    }

    private async Task ReadStateAsync(CancellationToken ct)
    {
        Enrolled = await apps.IsEnrolledAsync(UserId, ct);
        RecoveryCodesLeft = await recoveryCodes.RemainingAsync(UserId, ct);
    }
}
