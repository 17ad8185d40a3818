using System.Globalization;
using System.Security.Claims;
using AuthApp.Admin.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace AuthApp.Admin.Sessions;

/// <summary>What a sign-in attempt came to: signed in, or the messages to show (for the form and beside each field).</summary>
public sealed record SignInResult(bool SignedIn, string? Message = null, IReadOnlyList<string>? IdentifierErrors = null,
    IReadOnlyList<string>? PasswordErrors = null, string? Challenge = null);

/// <summary>The tokens AuthApp issued for a new console session (an ID token only through AuthApp's sign-in).</summary>
public sealed record IssuedTokens(string AccessToken, string RefreshToken, int ExpiresIn, string? IdToken);

/// <summary>
/// Opens a staff member's console session from the tokens AuthApp issued — through its sign-in pages (OpenID Connect:
/// <see cref="CompleteAuthAppSignInAsync"/>) or, with a shared HS256 secret only, the JSON login (<see cref="SignInAsync"/>).
/// The console checks the staff flag (a non-staff account's new session is logged out at once), keeps the tokens
/// server-side and gives the browser a cookie that names only the console session.
/// </summary>
public sealed class ConsoleSignIn(ApiAuthClient auth, ConsoleSessionStore store, SessionTokens tokens, TimeProvider time, ILogger<ConsoleSignIn> logger)
{
    public const string NotStaffMessage = "This account is not a staff account. The console is for staff only.";

    /// <summary>AuthApp sent the browser back with a code, the handler redeemed it and checked the ID token: now the staff check.</summary>
    public async Task CompleteAuthAppSignInAsync(TokenValidatedContext context)
    {
        var response = context.TokenEndpointResponse!;
        var issued = new IssuedTokens(response.AccessToken, response.RefreshToken,
            int.Parse(response.ExpiresIn, CultureInfo.InvariantCulture), response.IdToken);
        string? refusal;
        try
        {
            (context.Principal, refusal) = await OpenSessionAsync(issued, context.HttpContext.ClientAddress(), context.HttpContext.RequestAborted);
        }
        catch (ApiUnavailableException)
        {
            refusal = ConsoleSignInPaths.Unavailable;
        }
        if (refusal is not null)
        {
            context.HandleResponse();
            context.Response.Redirect($"{ConsoleSessionsSetup.SignInPath}?{refusal}=1");
        }
    }

    /// <summary>The console's own form (<see cref="ConsoleSignInMode.Password"/>): the JSON login, then the same checks.</summary>
    public async Task<SignInResult> SignInAsync(HttpContext http, string? identifier, string? password, CancellationToken ct)
    {
        var login = await auth.LoginAsync(identifier?.Trim(), password, http.ClientAddress(), ct);
        if (login.Problem is { Code: "second_factor_required", Challenge: { } challenge })
        {
            return new SignInResult(false, Message: SecondFactorMessage, Challenge: challenge);
        }
        return await OpenFromLoginAsync(http, login, ct);
    }

    public const string SecondFactorMessage = "Enter the code from your authenticator app (or one of your recovery codes).";

    /// <summary>The password step answered with a challenge: the code finishes the login (<see cref="ConsoleSignInMode.Password"/>).</summary>
    public async Task<SignInResult> FinishSecondFactorAsync(HttpContext http, string challenge, string? code, CancellationToken ct)
    {
        var login = await auth.LoginSecondFactorAsync(challenge, code, http.ClientAddress(), ct);
        if (login.Problem is { Code: "invalid_code" } wrong)
        {
            return new SignInResult(false, Message: wrong.Detail, Challenge: challenge);
        }
        return await OpenFromLoginAsync(http, login, ct);
    }

    private async Task<SignInResult> OpenFromLoginAsync(HttpContext http, ApiResult<ApiLoginResponse> login, CancellationToken ct)
    {
        if (login.Problem is { } problem)
        {
            return new SignInResult(false,
                Message: problem.Fields.Count == 0 ? problem.Detail : null,
                IdentifierErrors: problem.For("email", "username"),
                PasswordErrors: problem.For("password"));
        }
        var issued = new IssuedTokens(login.Value!.AccessToken, login.Value.RefreshToken, login.Value.ExpiresIn, IdToken: null);
        var (principal, refusal) = await OpenSessionAsync(issued, http.ClientAddress(), ct);
        if (principal is null)
        {
            return new SignInResult(false, Message: refusal == ConsoleSignInPaths.Refused ? NotStaffMessage : refusal);
        }
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        return new SignInResult(true);
    }

    /// <summary>
    /// Ends the console session here; a password session is logged out at the API too. Returns the ID token of a session
    /// opened through AuthApp: the caller sends the browser to AuthApp's end-session with it, which ends it there.
    /// </summary>
    public async Task<string?> SignOutAsync(HttpContext http, CancellationToken ct)
    {
        string? idToken = null;
        if (store.Find(ConsoleClaims.SessionIdOf(http.User)) is { } session)
        {
            idToken = session.IdToken;
            if (session.ThroughAuthApp)
            {
                store.Remove(session.Id);
            }
            else
            {
                await tokens.SignOutAsync(session, ct);
            }
            logger.LogInformation("Staff member {Username} signed out of the console", session.Username);
        }
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return idToken;
    }

    /// <summary>The console session for a staff account, or why not (<see cref="ConsoleSignInPaths"/>'s notices).</summary>
    private async Task<(ClaimsPrincipal? Principal, string? Refusal)> OpenSessionAsync(IssuedTokens issued, string? clientAddress, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        ApiResult<ApiMe> me;
        try
        {
            me = await auth.MeAsync(issued.AccessToken, clientAddress, ct);
        }
        catch (ApiUnavailableException)
        {
            await LogOutQuietlyAsync(issued, clientAddress, ct);
            throw;
        }
        if (me.Value is not { IsStaff: true, IsActive: true } account)
        {
            await LogOutQuietlyAsync(issued, clientAddress, ct);
            logger.LogInformation("Refused console sign-in of a non-staff account ({Code})", me.Problem?.Code ?? "not_staff");
            return (null, ConsoleSignInPaths.Refused);
        }

        var session = store.Create(account.Id, account.Username, clientAddress, issued.AccessToken, issued.RefreshToken,
            now + TimeSpan.FromSeconds(issued.ExpiresIn), issued.IdToken);
        var identity = new ClaimsIdentity(
            [
                new Claim(ConsoleClaims.SessionId, session.Id),
                new Claim(ClaimTypes.Name, session.Username),
                new Claim(ConsoleClaims.UserId, session.UserId.ToString()),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        logger.LogInformation("Staff member {Username} signed in to the console", session.Username);
        return (new ClaimsPrincipal(identity), null);
    }

    /// <summary>Ends the API session a refused sign-in opened; if the API cannot be reached, it lapses with its refresh token.</summary>
    private async Task LogOutQuietlyAsync(IssuedTokens issued, string? clientAddress, CancellationToken ct)
    {
        try
        {
            await auth.LogoutAsync(issued.AccessToken, issued.RefreshToken, clientAddress, ct);
        }
        catch (ApiUnavailableException ex)
        {
            logger.LogWarning("Could not log out the API session of a refused console sign-in: {Reason}", ex.Message);
        }
    }
}
