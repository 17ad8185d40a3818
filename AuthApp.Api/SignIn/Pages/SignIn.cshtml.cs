using AuthApp.Api.Auth;
using AuthApp.Api.Sessions;
using AuthApp.Api.Throttling;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AuthApp.Api.SignIn.Pages;

/// <summary>
/// The sign-in form: the JSON login's checks, throttles and messages (<see cref="LoginHandler"/>), but the session it opens
/// is the browser's, held in the sign-in cookie, and the browser goes back to the app's authorize request.
/// </summary>
public sealed class SignInModel(LoginHandler login, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Identifier { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? Message { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // The JSON login's per-address limit, on the same counter: the page is no way around it.
        var gate = await AddressThrottleFilter.HitAsync(HttpContext, AddressThrottleFilter.Login, o => o.LoginPerAddress);
        if (!gate.Allowed)
        {
            return Refuse(new Error(ErrorCodes.RateLimited, "Too many sign-in attempts from this address; try again later.",
                RetryAfter: gate.RetryAfter));
        }
        var identifier = Identifier?.Trim();
        var request = identifier?.Contains('@') == true ? new LoginRequest(identifier, null, Password) : new LoginRequest(null, identifier, Password);
        var now = time.GetUtcNow();
        var opened = await login.SignInBrowserAsync(request, SessionOrigin.Of(HttpContext), now, ct);
        if (opened.Error is { } error)
        {
            return Refuse(error);
        }
        var session = opened.Value!;
        await HttpContext.SignInAsync(SignInCookie.Scheme, SignInCookie.Principal(session.User.Id, session.User.Username, session.SessionId),
            new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = session.ExpiresAt });
        return LocalRedirect(SignInPaths.IsAllowedReturn(ReturnUrl) ? ReturnUrl! : SignInPaths.Account);
    }

    /// <summary>The form again, with the error's message and status (429 and Retry-After when waiting helps).</summary>
    private PageResult Refuse(Error error)
    {
        Message = MessageFor(error);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        if (error.RetryAfter is { } wait)
        {
            Response.SetRetryAfter(wait);
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
        }
        return Page();
    }

    /// <summary>The JSON login's message, or its field errors as one sentence.</summary>
    private static string MessageFor(Error error) => error.Fields is { Count: > 0 } fields
        ? "Enter your e-mail or username and your password."
        : error.Detail;
}
