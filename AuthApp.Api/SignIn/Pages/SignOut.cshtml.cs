using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AuthApp.Api.SignIn.Pages;

/// <summary>Signing out ends the browser's session and every app's session opened from it, then the cookie.</summary>
public sealed class SignOutModel(SessionRevoker revoker, TimeProvider time) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (SignInCookie.Read((await HttpContext.AuthenticateAsync(SignInCookie.Scheme)).Principal) is { } signedIn)
        {
            await revoker.RevokeSessionAsync(signedIn.SessionId, SessionRevocationReasons.SignedOut, time.GetUtcNow(), ct);
        }
        await HttpContext.SignOutAsync(SignInCookie.Scheme);
        return RedirectToPage("SignedOut");
    }
}
