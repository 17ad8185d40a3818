using System.Security.Claims;
using System.Text.Json;
using AuthApp.Api.OAuth;
using AuthApp.Api.SignIn.Pages;
using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthApp.Api.SignIn;

/// <summary>
/// The three OpenID Connect endpoints that need AuthApp's own decisions (OpenIddict has already parsed and validated the
/// request — client, redirect URI, PKCE, scopes — before these run): authorize, userinfo and end-session.
/// </summary>
public static class OidcEndpoints
{
    public const string AuthorizePath = "/connect/authorize";
    public const string UserInfoPath = "/connect/userinfo";
    public const string EndSessionPath = "/connect/endsession";

    public static IEndpointRouteBuilder MapOidcEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods(AuthorizePath, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).ExcludeFromDescription();
        app.MapMethods(UserInfoPath, [HttpMethods.Get, HttpMethods.Post], UserInfoAsync).ExcludeFromDescription();
        app.MapMethods(EndSessionPath, [HttpMethods.Get, HttpMethods.Post], EndSessionAsync).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Signed in (the browser's cookie, recent enough for <c>max_age</c>, and no <c>prompt=login</c>): the app gets a code.
    /// Otherwise the browser goes to the sign-in page and comes back here; <c>prompt=none</c> gets <c>login_required</c>.
    /// A third-party app also needs the person's consent to the scopes it asks for (the consent page, once per new scope).
    /// </summary>
    private static async Task<IResult> AuthorizeAsync(HttpContext http, IOpenIddictApplicationManager apps, ConsentStore consents,
        TimeProvider time)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("OpenIddict handles this route.");
        var cookie = await http.AuthenticateAsync(SignInCookie.Scheme);
        var signedIn = cookie.Succeeded ? SignInCookie.Read(cookie.Principal) : null;
        var now = time.GetUtcNow();
        var recentEnough = request.MaxAge is not { } maxAge || cookie.Properties?.IssuedUtc >= now.AddSeconds(-maxAge);
        if (signedIn is null || request.HasPromptValue(PromptValues.Login) || !recentEnough)
        {
            return request.HasPromptValue(PromptValues.None)
                ? Refuse(Errors.LoginRequired, "The user is not signed in.")
                : Results.Redirect($"{SignInPaths.SignIn}?returnUrl={Uri.EscapeDataString(ReturnTo(request))}");
        }
        var (userId, browserSessionId) = signedIn.Value;
        var app = await apps.FindByClientIdAsync(request.ClientId!) ?? throw new InvalidOperationException("OpenIddict found the client.");
        if (!await apps.HasConsentTypeAsync(app, ConsentTypes.Implicit))
        {
            if (request[ConsentPage.DecisionParameter]?.ToString() == ConsentPage.Denied)
            {
                return Refuse(Errors.AccessDenied, "The user did not allow the app.");
            }
            var covered = await consents.CoversAsync(userId, request.ClientId!, request.GetScopes(), http.RequestAborted);
            if (!covered || request.HasPromptValue(PromptValues.Consent))
            {
                return request.HasPromptValue(PromptValues.None)
                    ? Refuse(Errors.ConsentRequired, "The user has not allowed this app yet.")
                    : Results.Redirect($"{SignInPaths.Consent}?returnUrl={Uri.EscapeDataString(ReturnTo(request))}");
            }
        }
        var identity = new ClaimsIdentity(OAuthFeature.AuthenticationType, Claims.Name, Claims.Role);
        new SignInClaims(userId, browserSessionId, Guid.CreateVersion7(now)).WriteTo(identity);
        identity.SetScopes(request.GetScopes());
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// The authorize request to come back to after signing in or consenting, without <c>prompt</c> and <c>max_age</c>: the
    /// page has just satisfied them (the ID token's <c>auth_time</c> says when), and keeping them would ask again forever.
    /// </summary>
    private static string ReturnTo(OpenIddictRequest request)
    {
        var parameters = request.GetParameters()
            .Where(p => p.Key is not (Parameters.Prompt or Parameters.MaxAge))
            .Select(p => KeyValuePair.Create(p.Key, (string?)p.Value.ToString()));
        return QueryHelpers.AddQueryString(AuthorizePath, parameters);
    }

    private static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    /// <summary>What the access token's scopes grant about its user (OpenID Connect Core §5.3); <c>sub</c> always.</summary>
    private static async Task<IResult> UserInfoAsync(HttpContext http, AuthDbContext db)
    {
        var principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        if (!Guid.TryParse(principal?.GetClaim(Claims.Subject), out var userId)
            || await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId && u.IsActive, http.RequestAborted) is not { } user)
        {
            return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        var claims = UserInfoClaims.For(principal!.GetScopes(), user.Username, user.Email, user.EmailVerifiedAt);
        using var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString(Claims.Subject, user.Id.ToString());
            foreach (var (name, value) in claims)
            {
                if (value is bool flag) json.WriteBoolean(name, flag); else json.WriteString(name, value.ToString());
            }
            json.WriteEndObject();
        }
        http.Response.Headers.CacheControl = "no-store";
        return Results.Bytes(body.ToArray(), "application/json");
    }

    /// <summary>
    /// RP-initiated logout. With an <c>id_token_hint</c> (what ASP.NET Core's OpenIdConnect handler sends) the browser's
    /// sign-in ends — and with it every app's session opened from it — and the browser goes back to the app's registered
    /// <c>post_logout_redirect_uri</c>. Without one, nothing says which app asks: the person confirms on the sign-out page.
    /// </summary>
    private static async Task<IResult> EndSessionAsync(HttpContext http, AuthDbContext db, SessionRevoker revoker, TimeProvider time)
    {
        var hint = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        if (!Guid.TryParse(hint?.GetClaim(TokenClaims.SessionId), out var appSessionId))
        {
            return Results.Redirect(SignInPaths.SignOut);
        }
        var now = time.GetUtcNow();
        var browserSessionId = await db.Sessions.Where(s => s.Id == appSessionId).Select(s => s.ParentId).FirstOrDefaultAsync(http.RequestAborted);
        await revoker.RevokeSessionAsync(browserSessionId ?? appSessionId, SessionRevocationReasons.SignedOut, now, http.RequestAborted);
        if (SignInCookie.Read((await http.AuthenticateAsync(SignInCookie.Scheme)).Principal) is { } cookie && cookie.SessionId != browserSessionId)
        {
            await revoker.RevokeSessionAsync(cookie.SessionId, SessionRevocationReasons.SignedOut, now, http.RequestAborted);
        }
        await http.SignOutAsync(SignInCookie.Scheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = SignInPaths.SignedOut },
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}
