using OpenIddict.EntityFrameworkCore.Models;

namespace AuthApp.Data.OAuth;

/// <summary>
/// A registered OAuth 2.0 client (OpenIddict's application): its id, hashed secret, permissions (grant types,
/// endpoints, scopes). AuthApp adds the audiences its tokens are for and whether staff disabled it.
/// </summary>
public sealed class OAuthClient : OpenIddictEntityFrameworkCoreApplication<Guid, OAuthAuthorization, OAuthToken>
{
    /// <summary>The <c>aud</c> values of the access tokens this client gets (the services it may call).</summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>Set while the client is disabled: it gets no tokens, and those it had were revoked with its sessions.</summary>
    public DateTimeOffset? DisabledAt { get; set; }

    /// <summary>Declared in the AppHost (kept in step by the migration worker) rather than created by staff.</summary>
    public bool DeclaredInAppHost { get; set; }

    /// <summary>For an app people sign in to: its sign-in page offers "Create an account" (the same rules as /user/create).</summary>
    public bool AllowsSignUp { get; set; }
}

/// <summary>OpenIddict's authorization entity (unused until interactive sign-in; its table exists for the model).</summary>
public sealed class OAuthAuthorization : OpenIddictEntityFrameworkCoreAuthorization<Guid, OAuthClient, OAuthToken>;

/// <summary>OpenIddict's scope entity (scopes are allowed per client by permissions; none are stored).</summary>
public sealed class OAuthScope : OpenIddictEntityFrameworkCoreScope<Guid>;

/// <summary>OpenIddict's token entity (unused: AuthApp's tokens live in sessions, so revocation has one home).</summary>
public sealed class OAuthToken : OpenIddictEntityFrameworkCoreToken<Guid, OAuthClient, OAuthAuthorization>;
