using AuthApp.Api.Recovery;
using AuthApp.Api.Throttling;
using Microsoft.AspNetCore.Mvc;

namespace AuthApp.Api.SignIn.Pages;

/// <summary>
/// "Forgot your password?": <c>POST /api/v1/user/password/forgot</c>'s behaviour — the same answer for every address,
/// a mail with a reset link only for an active account, the same throttles — from the sign-in page.
/// </summary>
public sealed class ForgotModel(RecoveryService recovery, TimeProvider time) : AccountPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await ThrottleAsync(AddressThrottleFilter.Forgot, o => o.ForgotPerAddress) is { } limited)
        {
            return limited;
        }
        var asked = await recovery.ForgotAsync(new ForgotPasswordRequest(Email), time.GetUtcNow());
        if (asked.Error is { } refused)
        {
            return Refuse(refused);
        }
        Sent = true;
        Message = asked.Value!.Message;
        return Page();
    }
}
