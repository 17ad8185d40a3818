using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthApp.Data.OAuth;

public static class OAuthClientStore
{
    /// <summary>
    /// OpenIddict's core over <see cref="AuthDbContext"/>, for the API (which serves the protocol) and the migration
    /// worker (which writes the clients the AppHost declares). Entity caching is off: OpenIddict's cache is per process
    /// and never expires, so a secret rotated or a client disabled by one instance would stay usable on the others.
    /// </summary>
    public static IServiceCollection AddOAuthClientStore(this IServiceCollection services)
    {
        services.AddSingleton<ClientLookups>();
        services.AddOpenIddict().AddCore(core =>
        {
            core.UseEntityFrameworkCore()
                .UseDbContext<AuthDbContext>()
                .ReplaceDefaultEntities<OAuthClient, OAuthAuthorization, OAuthScope, OAuthToken, Guid>();
            core.ReplaceApplicationManager<OAuthClient, OAuthClientManager>();
            core.DisableEntityCaching();
        });
        // The concrete manager too, for AuthApp's own calls (FindForChangeAsync).
        services.AddScoped(sp => (OAuthClientManager)sp.GetRequiredService<OpenIddict.Core.OpenIddictApplicationManager<OAuthClient>>());
        return services;
    }

    /// <summary>
    /// What a client may do, as OpenIddict permissions: the grant, the endpoints it calls, its scopes. A public client (a
    /// single-page or native app, no secret) only signs people in: no client credentials, introspection or revocation feed.
    /// </summary>
    public static void Allow(OpenIddictApplicationDescriptor descriptor, IEnumerable<string> scopes, bool isPublic = false)
    {
        descriptor.Permissions.Clear();
        descriptor.Permissions.Add(Permissions.Endpoints.Token);
        if (!isPublic)
        {
            descriptor.Permissions.UnionWith(
            [
                Permissions.Endpoints.Introspection,
                Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.ClientCredentials,
                RevocationFeedPermission,
            ]);
        }
        descriptor.Permissions.UnionWith(scopes.Select(scope => Permissions.Prefixes.Scope + scope));
    }

    /// <summary>
    /// An app people sign in to (authorization code with PKCE, refresh, end-session). A first-party app (declared in the
    /// AppHost, or registered so by staff) gets no consent screen; a third-party one asks the person once for its scopes.
    /// Its redirect URIs must match exactly. Adds to <see cref="Allow"/>, which it expects to have been applied first.
    /// </summary>
    public static void AllowSignIn(OpenIddictApplicationDescriptor descriptor, IEnumerable<Uri> redirectUris,
        IEnumerable<Uri> postLogoutRedirectUris, bool firstParty = true)
    {
        descriptor.ConsentType = firstParty ? ConsentTypes.Implicit : ConsentTypes.Explicit;
        descriptor.RedirectUris.UnionWith(redirectUris);
        descriptor.PostLogoutRedirectUris.UnionWith(postLogoutRedirectUris);
        descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        descriptor.Permissions.UnionWith(
        [
            Permissions.Endpoints.Authorization,
            Permissions.Endpoints.EndSession,
            Permissions.GrantTypes.AuthorizationCode,
            Permissions.GrantTypes.RefreshToken,
            Permissions.ResponseTypes.Code,
            Permissions.Scopes.Profile,
            Permissions.Scopes.Email,
        ]);
    }

    /// <summary>
    /// A redirect URI a code may be sent to: absolute, no fragment, HTTPS — or plain HTTP where allowed (the AppHost's own
    /// endpoints) or to this machine (a developer's or a native app's loopback listener, RFC 8252 §7.3).
    /// </summary>
    public static bool IsValidRedirectUri(string? uri, bool allowPlainHttp) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Fragment.Length == 0
        && (parsed.Scheme == Uri.UriSchemeHttps || (parsed.Scheme == Uri.UriSchemeHttp && (allowPlainHttp || parsed.IsLoopback)));

    /// <summary>AuthApp's own permission: reading the revocation feed (<c>GET /connect/revocations</c>).</summary>
    public const string RevocationFeedPermission = "ept:authapp_revocations";

    /// <summary>A list column as OpenIddict stores it (permissions, redirect URIs): a JSON array of strings.</summary>
    public static string[] ParseStringArray(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize(json, PermissionsJson.Default.StringArray) ?? [];

    /// <summary>The scopes a client's permissions allow.</summary>
    public static IEnumerable<string> ScopesOf(IEnumerable<string> permissions) =>
        permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[Permissions.Prefixes.Scope.Length..]);
}

[JsonSerializable(typeof(string[]))]
internal sealed partial class PermissionsJson : JsonSerializerContext;
