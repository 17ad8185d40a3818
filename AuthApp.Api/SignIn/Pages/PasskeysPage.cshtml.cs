using System.Text.Json;
using AuthApp.Api.Factors;
using AuthApp.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.SignIn.Pages;

/// <summary>
/// "Passkeys" on the account page: add one with the browser's own UI, rename or remove one — the JSON routes' code
/// (<see cref="Passkeys"/>) for the signed-in person. A change needs a recent sign-in when the account has a second
/// factor: this browser's session must have been opened (with that factor) within <see cref="RecentSignIn"/>, like a
/// "sudo mode"; otherwise the page asks the person to sign in again.
/// </summary>
[Authorize(AuthenticationSchemes = SignInCookie.Scheme)]
public sealed class PasskeysPageModel(Passkeys passkeys, LoginChallenges challenges, AuthDbContext db, TimeProvider time)
    : AccountPageModel
{
    public static readonly TimeSpan RecentSignIn = TimeSpan.FromMinutes(10);

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
            return Problem(stale);
        }
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == Ids.UserId, ct);
        var begun = await passkeys.BeginRegistrationAsync(user, time.GetUtcNow(), ct);
        return begun.Error is { } refused ? Problem(refused) : new JsonResult(begun.Value);
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
            return JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<Error?> RefuseStaleAsync(CancellationToken ct)
    {
        NeedsFreshSignIn = await IsStaleAsync(ct);
        return NeedsFreshSignIn
            ? new Error(ErrorCodes.StepUpRequired, "To change your passkeys, sign out and sign in again (with your second factor) first.")
            : null;
    }

    private async Task<bool> IsStaleAsync(CancellationToken ct)
    {
        var (userId, sessionId) = Ids;
        if ((await challenges.FactorsOfAsync(userId, ct)).Count == 0)
        {
            return false;
        }
        var openedAt = await db.Sessions.Where(s => s.Id == sessionId).Select(s => (DateTimeOffset?)s.CreatedAt).SingleOrDefaultAsync(ct);
        return openedAt is null || openedAt < time.GetUtcNow() - RecentSignIn;
    }

    private JsonResult Problem(Error error) =>
        new(new { code = error.Code, detail = error.Detail }) { StatusCode = OutcomeResults.StatusOf(error.Code) };

    private async Task ReadStateAsync(CancellationToken ct)
    {
        Keys = await passkeys.ListAsync(Ids.UserId, ct);
        NeedsFreshSignIn = await IsStaleAsync(ct);
    }
}
