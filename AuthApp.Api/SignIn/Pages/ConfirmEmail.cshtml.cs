using AuthApp.Api.Recovery;
using AuthApp.Api.Throttling;
using Microsoft.AspNetCore.Mvc;

namespace AuthApp.Api.SignIn.Pages;

/// <summary>
/// Where a confirmation mail's link opens when <c>Email:LinkBaseUrl</c> is AuthApp itself: <c>/confirm-email#token=…</c>.
/// The script copies the fragment's token into the form; the person presses the button (a mail scanner that fetches
/// links confirms nothing).
/// </summary>
public sealed class ConfirmEmailModel(RecoveryService recovery, TimeProvider time) : AccountPageModel
{
    [BindProperty]
    public string? Token { get; set; }

    public bool Done { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await ThrottleAsync(AddressThrottleFilter.Confirm, o => o.ConfirmPerAddress) is { } limited)
        {
            return limited;
        }
        var confirmed = await recovery.ConfirmEmailAsync(new ConfirmEmailRequest(Token), time.GetUtcNow(), ct);
        if (confirmed.Error is { } refused)
        {
            return Refuse(refused);
        }
        Done = true;
        return Page();
    }
}
