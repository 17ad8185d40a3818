using AuthApp.Api.Sessions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AuthApp.Api.SignIn.Pages;

/// <summary>
/// "Your account": the person's live sessions (the same list as <c>GET /api/v1/user/sessions</c>), each one endable, and
/// the third-party apps they allowed, each withdrawable.
/// </summary>
[Authorize(AuthenticationSchemes = SignInCookie.Scheme)]
public sealed class AccountModel(UserSessionService sessions, ConsentStore consents, TimeProvider time) : PageModel
{
    public IReadOnlyList<UserSessionInfo> Sessions { get; private set; } = [];

    public IReadOnlyList<AllowedApp> AllowedApps { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var (userId, sessionId) = SignInCookie.Read(User)!.Value;
        Sessions = (await sessions.ListAsync(userId, sessionId, time.GetUtcNow(), ct)).Value!.Sessions;
        AllowedApps = await consents.ListAsync(userId, ct);
    }

    public async Task<IActionResult> OnPostWithdrawAsync(string? clientId, CancellationToken ct)
    {
        var (userId, _) = SignInCookie.Read(User)!.Value;
        if (clientId is { Length: > 0 and <= 100 })
        {
            await consents.WithdrawAsync(userId, clientId, time.GetUtcNow(), ct);
        }
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostEndAsync(Guid id, CancellationToken ct)
    {
        var (userId, _) = SignInCookie.Read(User)!.Value;
        await sessions.EndAsync(userId, id, time.GetUtcNow(), ct); // one already ended is simply gone from the list
        return RedirectToPage();
    }

    public static string Describe(UserSessionInfo session) => session.Kind switch
    {
        "browser" => "Signed in on this page",
        "app" => $"App: {session.ClientId}",
        _ => "API login",
    };
}
