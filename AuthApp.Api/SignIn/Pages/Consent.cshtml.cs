using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthApp.Api.SignIn.Pages;

/// <summary>How the consent page tells the authorize endpoint that the person said no.</summary>
public static class ConsentPage
{
    public const string DecisionParameter = "authapp_consent";
    public const string Denied = "denied";
}

/// <summary>
/// A third-party app asks to act for the person: the page names the app and what each scope lets it see or do, and the
/// person allows it (remembered for these scopes) or not (the app gets <c>access_denied</c>). The authorize request being
/// answered comes and goes in <c>returnUrl</c>; OpenIddict validates it again when the browser returns.
/// </summary>
[Authorize(AuthenticationSchemes = SignInCookie.Scheme)]
public sealed class ConsentModel(IOpenIddictApplicationManager apps, ConsentStore consents, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string AppName { get; private set; } = "";

    public IReadOnlyList<string> RequestedScopes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await ReadRequestAsync(ct) is { } clientId ? Page() : BadRequest();

    public async Task<IActionResult> OnPostAsync(string? decision, CancellationToken ct)
    {
        if (await ReadRequestAsync(ct) is not { } clientId)
        {
            return BadRequest();
        }
        if (decision != "allow")
        {
            return LocalRedirect(QueryHelpers.AddQueryString(ReturnUrl!, ConsentPage.DecisionParameter, ConsentPage.Denied));
        }
        var (userId, _) = SignInCookie.Read(User)!.Value;
        await consents.GrantAsync(userId, clientId, RequestedScopes, time.GetUtcNow(), ct);
        return LocalRedirect(ReturnUrl!);
    }

    /// <summary>What each scope means to the person, in their words.</summary>
    public static string Describe(string scope) => scope switch
    {
        Scopes.OpenId => "Know who you are (your account's id)",
        Scopes.Profile => "See your username",
        Scopes.Email => "See your e-mail address and whether it is confirmed",
        Scopes.OfflineAccess => "Stay signed in while you are away (until you sign out or withdraw it)",
        _ => $"Use “{scope}” on your behalf",
    };

    /// <summary>The app and scopes of the authorize request in <see cref="ReturnUrl"/>, or null when it names no known app.</summary>
    private async Task<string?> ReadRequestAsync(CancellationToken ct)
    {
        if (AuthorizeReturn.Parse(ReturnUrl) is not { } request || await apps.FindByClientIdAsync(request.ClientId, ct) is not { } app)
        {
            return null;
        }
        AppName = await apps.GetDisplayNameAsync(app, ct) ?? request.ClientId;
        RequestedScopes = request.Scopes;
        return request.ClientId;
    }
}
