using AuthApp.Data;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthApp.Api.SignIn;

/// <summary>
/// The app's authorize request a sign-in page returns to (its <c>returnUrl</c>), read only for what the page shows or
/// offers — which app, which scopes. OpenIddict validates the request itself when the browser gets back to it.
/// </summary>
public sealed record AuthorizeReturn(string ClientId, IReadOnlyList<string> Scopes)
{
    public static AuthorizeReturn? Parse(string? returnUrl)
    {
        if (!SignInPaths.IsAllowedReturn(returnUrl) || !returnUrl!.StartsWith(OidcEndpoints.AuthorizePath + "?", StringComparison.Ordinal))
        {
            return null;
        }
        var query = QueryHelpers.ParseQuery(returnUrl[returnUrl.IndexOf('?')..]);
        if (!query.TryGetValue(Parameters.ClientId, out var clientId) || clientId.ToString() is not { Length: > 0 and <= 100 } id)
        {
            return null;
        }
        var scopes = query.TryGetValue(Parameters.Scope, out var scope)
            ? scope.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList()
            : [];
        return new AuthorizeReturn(id, scopes);
    }

    /// <summary>Whether this app lets people create an account on its sign-in page (an enabled client that says so).</summary>
    public Task<bool> AllowsSignUpAsync(AuthDbContext db, CancellationToken ct) =>
        db.OAuthClients.AsNoTracking().AnyAsync(c => c.ClientId == ClientId && c.DisabledAt == null && c.AllowsSignUp, ct);
}
