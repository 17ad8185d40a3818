using System.Text.RegularExpressions;

namespace AuthApp.Api.OAuth;

/// <summary>
/// A registered client as staff see it (never its secret, which is stored hashed). <c>RedirectUris</c>: where a client that
/// signs people in gets its codes (none for a service); <c>ConsentRequired</c>: a third-party app, which people approve.
/// </summary>
public sealed record ClientInfo(
    string ClientId, string? DisplayName, IReadOnlyList<string> Scopes, IReadOnlyList<string> Audiences, bool Enabled,
    DateTimeOffset? DisabledAt, bool DeclaredInAppHost, IReadOnlyList<string> RedirectUris, bool ConsentRequired, bool AllowsSignUp);

/// <summary>A client and its new secret: shown this once, in the answer to a create or a rotation.</summary>
public sealed record ClientWithSecret(ClientInfo Client, string ClientSecret);

/// <summary>
/// A new client. With <c>RedirectUris</c> it also signs people in (code + PKCE, refresh, end-session): a third-party app
/// whose users are asked for consent, unless <c>FirstParty</c> says it is the organisation's own; <c>AllowSignUp</c>: its
/// sign-in page offers to create an account.
/// </summary>
public sealed record CreateClientRequest(string? ClientId, string? DisplayName, string[]? Scopes, string[]? Audiences,
    string[]? RedirectUris = null, string[]? PostLogoutRedirectUris = null, bool FirstParty = false, bool AllowSignUp = false);

/// <summary>What a client id, a scope and an audience may look like: short, printable, no spaces (they travel in tokens).</summary>
public static partial class ClientRules
{
    public const int MaxNames = 20;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,62}$")]
    public static partial Regex ClientId();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$")]
    public static partial Regex Name();
}
