using System.Security.Claims;
using AuthApp.Admin.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AuthApp.Admin.Sessions;

/// <summary>What a sign-in attempt came to: signed in, or the messages to show (for the form and beside each field).</summary>
public sealed record SignInResult(bool SignedIn, string? Message = null, IReadOnlyList<string>? IdentifierErrors = null, IReadOnlyList<string>? PasswordErrors = null);

/// <summary>
/// Staff sign-in through the API's own login: the API checks the password, the console checks the staff flag
/// (a non-staff account's new API session is logged out at once), then keeps the tokens server-side and gives the
/// browser a cookie that names only the console session.
/// </summary>
public sealed class ConsoleSignIn(ApiAuthClient auth, ConsoleSessionStore store, SessionTokens tokens, TimeProvider time, ILogger<ConsoleSignIn> logger)
{
    public const string NotStaffMessage = "This account is not a staff account. The console is for staff only.";

    public async Task<SignInResult> SignInAsync(HttpContext http, string? identifier, string? password, CancellationToken ct)
    {
        var clientAddress = http.ClientAddress();
        var now = time.GetUtcNow();
        var login = await auth.LoginAsync(identifier?.Trim(), password, clientAddress, ct);
        if (login.Problem is { } problem)
        {
            return new SignInResult(false,
                Message: problem.Fields.Count == 0 ? problem.Detail : null,
                IdentifierErrors: problem.For("email", "username"),
                PasswordErrors: problem.For("password"));
        }

        var tokensIssued = login.Value!;
        ApiResult<ApiMe> me;
        try
        {
            me = await auth.MeAsync(tokensIssued.AccessToken, clientAddress, ct);
        }
        catch (ApiUnavailableException)
        {
            await LogOutQuietlyAsync(tokensIssued, clientAddress, ct);
            throw;
        }
        if (me.Value is not { IsStaff: true, IsActive: true })
        {
            await LogOutQuietlyAsync(tokensIssued, clientAddress, ct);
            logger.LogInformation("Refused console sign-in of non-staff account {Username}", tokensIssued.User.Username);
            return new SignInResult(false, Message: me.Problem?.Detail ?? NotStaffMessage);
        }

        var session = store.Create(tokensIssued.User.Id, tokensIssued.User.Username, clientAddress,
            tokensIssued.AccessToken, tokensIssued.RefreshToken, now + TimeSpan.FromSeconds(tokensIssued.ExpiresIn));
        var identity = new ClaimsIdentity(
            [
                new Claim(ConsoleClaims.SessionId, session.Id),
                new Claim(ClaimTypes.Name, session.Username),
                new Claim(ConsoleClaims.UserId, session.UserId.ToString()),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        logger.LogInformation("Staff member {Username} signed in to the console", session.Username);
        return new SignInResult(true);
    }

    public async Task SignOutAsync(HttpContext http, CancellationToken ct)
    {
        if (store.Find(ConsoleClaims.SessionIdOf(http.User)) is { } session)
        {
            await tokens.SignOutAsync(session, ct);
            logger.LogInformation("Staff member {Username} signed out of the console", session.Username);
        }
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>Ends the API session a refused sign-in opened; if the API cannot be reached, it lapses with its refresh token.</summary>
    private async Task LogOutQuietlyAsync(ApiLoginResponse tokensIssued, string? clientAddress, CancellationToken ct)
    {
        try
        {
            await auth.LogoutAsync(tokensIssued.AccessToken, tokensIssued.RefreshToken, clientAddress, ct);
        }
        catch (ApiUnavailableException ex)
        {
            logger.LogWarning("Could not log out the API session of a refused console sign-in: {Reason}", ex.Message);
        }
    }
}
