using System.Text.Json;
using AuthApp.Api.Factors;
using AuthApp.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.SignIn.Pages;

/// <summary>
/// "Passkeys" on the account page: add one with the browser's own UI, rename or remove one — the JSON routes' code
/// (<see cref="Passkeys"/>) for the signed-in person. Adding or removing one needs a recent sign-in when the account has a
/// second factor (<see cref="FreshSignIn"/>); otherwise the page asks the person to sign in again.
/// </summary>
[Authorize(AuthenticationSchemes = SignInCookie.Scheme)]
public sealed class PasskeysPageModel(Passkeys passkeys, FreshSignIn freshSignIn, AuthDbContext db, TimeProvider time)
    : AccountPageModel
{
    public bool Enabled => passkeys.Enabled;

    public IReadOnlyList<PasskeyView> Keys { get; private set; } = [];

    /// <summary>The account has a second factor and this browser signed in too long ago to change them.</summary>
    public bool NeedsFreshSignIn { get; private set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public Guid? PasskeyCeremony { get; set; }

    [BindProperty]
    public string? PasskeyCredential { get; set; }

    private (Guid UserId, Guid SessionId) Ids => SignInCookie.Read(User)!.Value;

    public async Task OnGetAsync(CancellationToken ct) => await ReadStateAsync(ct);

    /// <summary>Options for <c>navigator.credentials.create()</c>, as JSON for the page's script.</summary>
    public async Task<IActionResult> OnPostOptionsAsync(CancellationToken ct)
    {
        if (await RefuseStaleAsync(ct) is { } stale)
        {
            return JsonProblem(stale);
        }
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == Ids.UserId, ct);
        var begun = await passkeys.BeginRegistrationAsync(user, time.GetUtcNow(), ct);
        return begun.Error is { } refused ? JsonProblem(refused) : new JsonResult(begun.Value);
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        if (await RefuseStaleAsync(ct) is { } stale)
        {
            await ReadStateAsync(ct);
            return Refuse(stale);
        }
        var added = await passkeys.FinishRegistrationAsync(Ids.UserId,
            new PasskeyRegistrationRequest(PasskeyCeremony, Name, ParseCredential(PasskeyCredential)), time.GetUtcNow(), ct);
        await ReadStateAsync(ct);
        return added.Error is { } refused ? Refuse(refused) : RedirectToPage();
    }

    public async Task<IActionResult> OnPostRenameAsync(Guid id, CancellationToken ct)
    {
        var renamed = await passkeys.RenameAsync(Ids.UserId, id, Name, ct);
        await ReadStateAsync(ct);
        return renamed.Error is { } refused ? Refuse(refused) : RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, CancellationToken ct)
    {
        if (await RefuseStaleAsync(ct) is { } stale)
        {
            await ReadStateAsync(ct);
            return Refuse(stale);
        }
        var removed = await passkeys.RemoveAsync(Ids.UserId, id, ct);
        await ReadStateAsync(ct);
        return removed.Error is { } refused ? Refuse(refused) : RedirectToPage();
    }

    /// <summary>The credential field as the script filled it: JSON, or nothing the checks will accept.</summary>
    public static JsonElement? ParseCredential(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 64 * 1024)
        {
            return null;
        }
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<Error?> RefuseStaleAsync(CancellationToken ct)
    {
        NeedsFreshSignIn = await freshSignIn.IsStaleAsync(Ids.UserId, Ids.SessionId, ct);
        return NeedsFreshSignIn ? FreshSignIn.Stale : null;
    }

    private async Task ReadStateAsync(CancellationToken ct)
    {
        Keys = await passkeys.ListAsync(Ids.UserId, ct);
        NeedsFreshSignIn = await freshSignIn.IsStaleAsync(Ids.UserId, Ids.SessionId, ct);
    }
}
