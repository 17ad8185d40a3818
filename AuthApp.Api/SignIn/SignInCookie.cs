using AuthApp.Api.Auth;
using System.Security.Claims;
using AuthApp.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.SignIn;

/// <summary>
/// The browser's single sign-on: a cookie naming the user and the browser session the sign-in page opened. Every app of
/// the solution that sends the person to <c>/connect/authorize</c> finds them signed in while that session lives; the
/// session is a row like any other, so a sign-out, a password reset, a deactivation or a staff "end all sessions" ends
/// the cookie too (checked on every request that reads it).
/// </summary>
public static class SignInCookie
{
    public const string Scheme = "AuthApp.SignIn";
    public const string CookieName = "authapp.signin";
    public const string SessionClaim = "sid";
    public const string UserClaim = "sub";

    public static ClaimsPrincipal Principal(Guid userId, string username, Guid browserSessionId) =>
        new(new ClaimsIdentity(
            [new Claim(UserClaim, userId.ToString()), new Claim(ClaimTypes.Name, username), new Claim(SessionClaim, browserSessionId.ToString())],
            Scheme, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>Gives the browser the cookie of the browser session the sign-in (or sign-up) page just opened.</summary>
    public static Task SignInAsync(HttpContext http, OpenedSession session, DateTimeOffset now) =>
        http.SignInAsync(Scheme, Principal(session.User.Id, session.User.Username, session.SessionId),
            new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = session.ExpiresAt });

    public static (Guid UserId, Guid SessionId)? Read(ClaimsPrincipal? principal) =>
        Guid.TryParse(principal?.FindFirst(UserClaim)?.Value, out var user) && Guid.TryParse(principal.FindFirst(SessionClaim)?.Value, out var session)
            ? (user, session)
            : null;

    public static void Configure(CookieAuthenticationOptions cookie, IHostEnvironment environment, TimeSpan sessionLifetime)
    {
        cookie.Cookie.Name = CookieName;
        cookie.Cookie.HttpOnly = true;
        // Lax: the cookie must come along when an app's page sends the browser to /connect/authorize.
        cookie.Cookie.SameSite = SameSiteMode.Lax;
        cookie.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        cookie.LoginPath = SignInPaths.SignIn;
        cookie.LogoutPath = SignInPaths.SignOut;
        cookie.AccessDeniedPath = SignInPaths.SignIn;
        cookie.ReturnUrlParameter = "returnUrl";
        cookie.ExpireTimeSpan = sessionLifetime;
        cookie.SlidingExpiration = false;
        cookie.Events.OnValidatePrincipal = RejectEndedSessionAsync;
    }

    /// <summary>The cookie counts only while its browser session is live and its user active.</summary>
    private static async Task RejectEndedSessionAsync(CookieValidatePrincipalContext context)
    {
        var ids = Read(context.Principal);
        var services = context.HttpContext.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var live = ids is { } id && await services.GetRequiredService<AuthDbContext>().Sessions.AnyAsync(s =>
            s.Id == id.SessionId && s.UserId == id.UserId && s.Kind == SessionKinds.Browser && s.RevokedAt == null
            && s.ExpiresAt > now && s.User!.IsActive && s.User.SecurityStamp == s.SecurityStamp, context.HttpContext.RequestAborted);
        if (!live)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }
}

/// <summary>Where the sign-in pages live.</summary>
public static class SignInPaths
{
    public const string SignIn = "/account/signin";
    public const string SignOut = "/account/signout";
    public const string Account = "/account";
    public const string SignedOut = "/account/signed-out";
    public const string Consent = "/account/consent";
    public const string SignUp = "/account/signup";
    public const string Forgot = "/account/forgot";

    /// <summary>Where account mails' links open when <c>Email:LinkBaseUrl</c> is AuthApp itself (their token in the fragment).</summary>
    public static readonly string[] MailLinkPages = ["/reset-password", "/confirm-email"];

    /// <summary>Where a sign-in may send the browser next: only AuthApp's own authorize endpoint and account pages.</summary>
    public static bool IsAllowedReturn(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl[0] == '/' && !returnUrl.StartsWith("//", StringComparison.Ordinal)
        && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) && !returnUrl.Any(char.IsControl)
        && (returnUrl.StartsWith("/connect/authorize?", StringComparison.Ordinal) || returnUrl == Account);
}
