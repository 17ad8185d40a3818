using AuthApp.Api.Auth;
using AuthApp.Api.Sessions;
using AuthApp.Api.Throttling;
using AuthApp.Data;
using Microsoft.AspNetCore.Mvc;

namespace AuthApp.Api.SignIn.Pages;

/// <summary>
/// The sign-in form: the JSON login's checks, throttles and messages (<see cref="LoginHandler"/>), but the session it opens
/// is the browser's, held in the sign-in cookie, and the browser goes back to the app's authorize request. An account
/// with a second factor gets a second step on the same page: the login's challenge and a code from the authenticator app
/// or a recovery code (<see cref="Factors.LoginChallenges"/>, the same rules as the JSON route).
/// </summary>
public sealed class SignInModel(LoginHandler login, Factors.Passkeys passkeys, Factors.LoginChallenges challenges, AuthDbContext db,
    TimeProvider time) : AccountPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Identifier { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    /// <summary>The second step: the challenge the password step answered with (the password itself is not sent again).</summary>
    [BindProperty]
    public string? LoginChallenge { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? RecoveryCode { get; set; }

    [BindProperty]
    public Guid? PasskeyCeremony { get; set; }

    [BindProperty]
    public string? PasskeyCredential { get; set; }

    public bool AsksForSecondFactor => LoginChallenge is not null;

    /// <summary>Passkeys are set up here: the page offers "sign in with a passkey".</summary>
    public bool OffersPasskey => passkeys.Enabled;

    /// <summary>The factors the second step may take (a passkey first, when the account has one).</summary>
    public IReadOnlyList<string> SecondFactors { get; private set; } = [];

    /// <summary>The app the person is on the way to lets people create an account here.</summary>
    public bool OffersSignUp { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await ReadAppAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await ReadAppAsync(ct);
        // The JSON login's per-address limit, on the same counter: the page is no way around it.
        if (await ThrottleAsync(AddressThrottleFilter.Login, o => o.LoginPerAddress) is { } limited)
        {
            return limited;
        }
        var identifier = Identifier?.Trim();
        var request = identifier?.Contains('@') == true ? new LoginRequest(identifier, null, Password) : new LoginRequest(null, identifier, Password);
        var now = time.GetUtcNow();
        var opened = await login.SignInBrowserAsync(request, SessionOrigin.Of(HttpContext), now, ct);
        if (opened.Error is { Code: ErrorCodes.SecondFactorRequired } second)
        {
            LoginChallenge = second.Extensions?["challenge"] as string;
            SecondFactors = second.Extensions?["factors"] as string[] ?? [];
            return Page();
        }
        if (opened.Error is { } error)
        {
            // One sentence for the form: field errors (an empty field) become one message beside the button.
            return Refuse(error.Fields is { Count: > 0 } ? error with { Fields = null, Detail = "Enter your e-mail or username and your password." } : error);
        }
        await SignInCookie.SignInAsync(HttpContext, opened.Value!, now);
        return LocalRedirect(SignInPaths.IsAllowedReturn(ReturnUrl) ? ReturnUrl! : SignInPaths.Account);
    }

    public async Task<IActionResult> OnPostSecondFactorAsync(CancellationToken ct)
    {
        await ReadAppAsync(ct);
        if (await ThrottleAsync(AddressThrottleFilter.Login, o => o.LoginPerAddress) is { } limited)
        {
            return limited;
        }
        var now = time.GetUtcNow();
        var passkey = PasskeyCeremony is null ? null
            : new Factors.PasskeyAnswer(PasskeyCeremony, PasskeysPageModel.ParseCredential(PasskeyCredential));
        var request = new Factors.SecondFactorRequest(LoginChallenge, passkey is null ? Code?.Trim() : null,
            passkey is null ? RecoveryCode?.Trim() : null, passkey);
        var opened = await login.FinishSecondFactorAsync(request, SessionKinds.Browser, now, ct);
        if (opened.Error is { } error)
        {
            // A wrong code keeps the step (the challenge still counts); a spent or locked challenge starts over.
            LoginChallenge = error.Code == ErrorCodes.ChallengeInvalid ? null : LoginChallenge;
            SecondFactors = LoginChallenge is null ? [] : await challenges.FactorsOfChallengeAsync(LoginChallenge, ct);
            return Refuse(error.Fields is { Count: > 0 } ? error with { Fields = null, Detail = "Answer with your passkey, the code from your authenticator app, or a recovery code." } : error);
        }
        await SignInCookie.SignInAsync(HttpContext, opened.Value!, now);
        return LocalRedirect(SignInPaths.IsAllowedReturn(ReturnUrl) ? ReturnUrl! : SignInPaths.Account);
    }

    /// <summary>Options for a passkey sign-in (alone), as JSON for the page's script.</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync(CancellationToken ct)
    {
        if (await ThrottleAsync(AddressThrottleFilter.Login, o => o.LoginPerAddress) is { } limited)
        {
            return JsonProblem(new Error(ErrorCodes.RateLimited, "Too many attempts from this address; try again later."));
        }
        var begun = await passkeys.BeginAssertionAsync(null, Factors.PasskeyPurpose.SignIn, time.GetUtcNow(), ct);
        return begun.Error is { } refused ? JsonProblem(refused) : new JsonResult(begun.Value);
    }

    /// <summary>Options for answering the second step with one of the account's passkeys.</summary>
    public async Task<IActionResult> OnPostSecondFactorOptionsAsync(CancellationToken ct)
    {
        if (await ThrottleAsync(AddressThrottleFilter.Login, o => o.LoginPerAddress) is { } limited)
        {
            return JsonProblem(new Error(ErrorCodes.RateLimited, "Too many attempts from this address; try again later."));
        }
        var begun = await challenges.BeginPasskeyAsync(LoginChallenge, time.GetUtcNow(), ct);
        return begun.Error is { } refused ? JsonProblem(refused) : new JsonResult(begun.Value);
    }

    /// <summary>A sign-in with a passkey alone: the passkey says who, and proves it was them.</summary>
    public async Task<IActionResult> OnPostPasskeyAsync(CancellationToken ct)
    {
        await ReadAppAsync(ct);
        if (await ThrottleAsync(AddressThrottleFilter.Login, o => o.LoginPerAddress) is { } limited)
        {
            return limited;
        }
        var now = time.GetUtcNow();
        var answer = new Factors.PasskeyAnswer(PasskeyCeremony, PasskeysPageModel.ParseCredential(PasskeyCredential));
        var opened = await login.SignInWithPasskeyAsync(answer, SessionKinds.Browser, SessionOrigin.Of(HttpContext), now, ct);
        if (opened.Error is { } error)
        {
            return Refuse(error.Fields is { Count: > 0 } ? error with { Fields = null, Detail = "The passkey did not answer. Try again." } : error);
        }
        await SignInCookie.SignInAsync(HttpContext, opened.Value!, now);
        return LocalRedirect(SignInPaths.IsAllowedReturn(ReturnUrl) ? ReturnUrl! : SignInPaths.Account);
    }

    /// <summary>Where "forgot password" and "create an account" go: their pages, then back to the same app.</summary>
    public string LinkTo(string page) => $"{page}?returnUrl={Uri.EscapeDataString(ReturnUrl ?? "")}";

    private async Task ReadAppAsync(CancellationToken ct) =>
        OffersSignUp = AuthorizeReturn.Parse(ReturnUrl) is { } app && await app.AllowsSignUpAsync(db, ct);
}
