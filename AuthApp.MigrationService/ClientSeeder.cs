using AuthApp.Data.OAuth;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthApp.MigrationService;

/// <summary>A client the AppHost declared (<c>.WithAuthApp(api, …)</c>): section <c>OAuth:Clients</c>, one entry each.</summary>
public sealed class DeclaredClient
{
    public string? ClientId { get; set; }
    public string? Secret { get; set; }
    public List<string> Scopes { get; set; } = [];
    public List<string> Audiences { get; set; } = [];

    /// <summary>For an app people sign in to: where AuthApp may send the browser back with a code (exact match).</summary>
    public List<string> RedirectUris { get; set; } = [];

    /// <summary>For an app people sign in to: where AuthApp may send the browser after signing out.</summary>
    public List<string> PostLogoutRedirectUris { get; set; } = [];

    /// <summary>For an app people sign in to: people may create an account on its sign-in page.</summary>
    public bool AllowSignUp { get; set; }

    /// <summary>A single-page or native app: a public client, with no secret (PKCE protects its codes).</summary>
    public bool Public { get; set; }
}

public sealed class DeclaredClientsOptions
{
    public const string Section = "OAuth";
    public List<DeclaredClient> Clients { get; set; } = [];
}

/// <summary>
/// Writes the AppHost's clients, idempotently: a new one is created; an existing one gets the declared scopes and
/// audiences, and the declared secret only when the stored one no longer matches it (so an unchanged AppHost writes
/// nothing). A client staff disabled stays disabled: the declaration says what it may do, not whether it may.
/// </summary>
public sealed class ClientSeeder(
    OAuthClientManager clients, IOptions<DeclaredClientsOptions> declared, ILogger<ClientSeeder> logger)
{
    public async Task SeedAsync(CancellationToken ct)
    {
        foreach (var client in declared.Value.Clients)
        {
            ThrowIfInvalid(client);
            await SeedAsync(client, ct);
        }
    }

    private async Task SeedAsync(DeclaredClient declaration, CancellationToken ct)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = declaration.ClientId,
            DisplayName = declaration.ClientId,
            ClientType = declaration.Public ? ClientTypes.Public : ClientTypes.Confidential,
        };
        OAuthClientStore.Allow(descriptor, declaration.Scopes, declaration.Public);
        if (declaration.RedirectUris.Count > 0)
        {
            OAuthClientStore.AllowSignIn(descriptor, declaration.RedirectUris.Select(u => new Uri(u)),
                declaration.PostLogoutRedirectUris.Select(u => new Uri(u)));
        }
        var existing = await clients.FindForChangeAsync(declaration.ClientId!, ct);
        if (existing is null)
        {
            var created = new OAuthClient
            {
                Audiences = [.. declaration.Audiences.Distinct()], DeclaredInAppHost = true, AllowsSignUp = declaration.AllowSignUp,
            };
            await clients.PopulateAsync(created, descriptor, ct);
            if (declaration.Public)
            {
                await clients.CreateAsync(created, ct);
            }
            else
            {
                await clients.CreateAsync(created, declaration.Secret!, ct);
            }
            logger.LogInformation("Registered the client {ClientId} declared in the AppHost", declaration.ClientId);
            return;
        }
        var current = new OpenIddictApplicationDescriptor();
        await clients.PopulateAsync(current, existing, ct);
        var credentialsChanged = declaration.Public
            ? current.ClientType != ClientTypes.Public
            : current.ClientType != ClientTypes.Confidential || !await clients.ValidateClientSecretAsync(existing, declaration.Secret!, ct);
        var sameAudiences = existing.Audiences.Order().SequenceEqual(declaration.Audiences.Distinct().Order());
        var sameSignIn = current.RedirectUris.SetEquals(descriptor.RedirectUris)
            && current.PostLogoutRedirectUris.SetEquals(descriptor.PostLogoutRedirectUris)
            && current.Requirements.SetEquals(descriptor.Requirements) && current.ConsentType == descriptor.ConsentType;
        sameSignIn &= existing.AllowsSignUp == declaration.AllowSignUp;
        if (!credentialsChanged && sameAudiences && sameSignIn && current.Permissions.SetEquals(descriptor.Permissions) && existing.DeclaredInAppHost)
        {
            return;
        }
        existing.Audiences = [.. declaration.Audiences.Distinct()];
        existing.DeclaredInAppHost = true;
        existing.AllowsSignUp = declaration.AllowSignUp;
        descriptor.ClientSecret = declaration.Public ? null : current.ClientSecret; // the stored hash, kept unless the secret changed
        await clients.PopulateAsync(existing, descriptor, ct);
        if (credentialsChanged && !declaration.Public)
        {
            await clients.UpdateAsync(existing, declaration.Secret!, ct);
        }
        else
        {
            await clients.UpdateAsync(existing, ct);
        }
        logger.LogInformation("Updated the client {ClientId} to match the AppHost's declaration", declaration.ClientId);
    }

    private static void ThrowIfInvalid(DeclaredClient client)
    {
        if (string.IsNullOrWhiteSpace(client.ClientId))
        {
            throw new SeedException("A client declared in the AppHost has no id (OAuth:Clients:n:ClientId).");
        }
        if (client.Public && client.RedirectUris.Count == 0)
        {
            throw new SeedException($"The public client {client.ClientId} signs no one in: declare it with SignsPeopleIn().");
        }
        if (!client.Public && (client.Secret is null || client.Secret.Length < OAuthClientManager.MinimumSecretLength))
        {
            throw new SeedException(
                $"The client {client.ClientId} needs a secret of at least {OAuthClientManager.MinimumSecretLength} characters: " +
                $"set Parameters:{client.ClientId}-client-secret, or leave it unset for the AppHost to generate one.");
        }
        foreach (var uri in client.RedirectUris.Concat(client.PostLogoutRedirectUris))
        {
            if (!OAuthClientStore.IsValidRedirectUri(uri, allowPlainHttp: true))
            {
                throw new SeedException($"The client {client.ClientId} has the redirect URI '{uri}', which is not an absolute http(s) URI without a fragment.");
            }
        }
    }
}
