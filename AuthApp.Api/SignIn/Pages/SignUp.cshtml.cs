using AuthApp.Api.Auth;
using AuthApp.Api.Sessions;
using AuthApp.Api.Throttling;
using AuthApp.Api.Users;
using AuthApp.Data;
using Microsoft.AspNetCore.Mvc;

namespace AuthApp.Api.SignIn.Pages;

/// <summary>
/// "Create an account", offered only on the way to an app that lets people sign up (<see cref="AuthorizeReturn"/>): the
/// same rules, messages and throttle as <c>POST /api/v1/user/create</c>, then signed in and on to the app — or, where
/// addresses must be confirmed first, told to open the mail that was just sent.
/// </summary>
public sealed class SignUpModel(UserService users, LoginHandler login, AuthDbContext db, TimeProvider time) : AccountPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Username { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    /// <summary>The account exists but may not sign in before its address is confirmed.</summary>
    public bool ConfirmFirst { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await OfferedAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await OfferedAsync(ct))
        {
            return NotFound();
        }
        if (await ThrottleAsync(AddressThrottleFilter.Register, o => o.RegisterPerAddress) is { } limited)
        {
            return limited;
        }
        var now = time.GetUtcNow();
        var created = await users.CreateAsync(new CreateUserRequest(Username, Email, Password), now, ct);
        if (created.Error is { } refused)
        {
            return Refuse(refused);
        }
        var opened = await login.SignInBrowserAsync(new LoginRequest(Email, null, Password), SessionOrigin.Of(HttpContext), now, ct);
        if (opened.Error is { } notYet)
        {
            ConfirmFirst = true;
            Message = notYet.Detail;
            return Page();
        }
        await SignInCookie.SignInAsync(HttpContext, opened.Value!, now);
        return LocalRedirect(ReturnUrl!);
    }

    private async Task<bool> OfferedAsync(CancellationToken ct) =>
        AuthorizeReturn.Parse(ReturnUrl) is { } app && await app.AllowsSignUpAsync(db, ct);
}
