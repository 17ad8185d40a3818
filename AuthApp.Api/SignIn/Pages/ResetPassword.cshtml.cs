using AuthApp.Api.Recovery;
using AuthApp.Api.Throttling;
using Microsoft.AspNetCore.Mvc;

namespace AuthApp.Api.SignIn.Pages;

/// <summary>
/// Where a reset mail's link opens when <c>Email:LinkBaseUrl</c> is AuthApp itself (the AppHost's default):
/// <c>/reset-password#token=…</c>. The token stays in the fragment, which no server sees; the page's script copies it
/// into the form, which posts it with the new password to <c>POST /api/v1/user/password/reset</c>'s code.
/// </summary>
public sealed class ResetPasswordModel(RecoveryService recovery, TimeProvider time) : AccountPageModel
{
    [BindProperty]
    public string? Token { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public bool Done { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await ThrottleAsync(AddressThrottleFilter.Reset, o => o.ResetPerAddress) is { } limited)
        {
            return limited;
        }
        var reset = await recovery.ResetAsync(new ResetPasswordRequest(Token, Password, ConfirmPassword), time.GetUtcNow(), ct);
        if (reset.Error is { } refused)
        {
            return Refuse(refused);
        }
        Done = true;
        return Page();
    }
}
