using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AuthApp.Api.SignIn.Pages;

/// <summary>
/// Signing out ends the browser's session and every app's session opened from it, then the cookie. Open to anyone, but
/// the cookie is read first: the form's antiforgery token was issued to the signed-in person and must match them.
/// </summary>
[Authorize(AuthenticationSchemes = SignInCookie.Scheme)]
[AllowAnonymous]
public sealed class SignOutModel(SessionRevoker revoker, TimeProvider time) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (SignInCookie.Read(User) is { } signedIn)
        {
            await revoker.RevokeSessionAsync(signedIn.SessionId, SessionRevocationReasons.SignedOut, time.GetUtcNow(), ct);
        }
        await HttpContext.SignOutAsync(SignInCookie.Scheme);
        return RedirectToPage("SignedOut");
    }
}
