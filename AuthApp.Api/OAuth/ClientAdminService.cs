using System.Security.Cryptography;
using AuthApp.Api.Audit;
using AuthApp.Api.Tokens;
using AuthApp.Data;
using AuthApp.Data.OAuth;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace AuthApp.Api.OAuth;

/// <summary>
/// Staff manage the OAuth clients: list, create, rotate a secret, disable, enable. Each change is written with its
/// audit entry in one transaction; rotating or disabling ends every token the client holds (its sessions), as
/// changing a password ends a user's.
/// </summary>
public sealed class ClientAdminService(
    AuthDbContext db, OAuthClientManager clients, SessionRevoker sessions, AuditService audit)
{
    public async Task<List<ClientInfo>> ListAsync(CancellationToken ct)
    {
        var all = await db.OAuthClients.AsNoTracking().OrderBy(c => c.ClientId).ToListAsync(ct);
        return [.. all.Select(ToInfo)];
    }

    public async Task<Outcome<ClientWithSecret>> CreateAsync(CreateClientRequest request, StaffActor actor, DateTimeOffset now, CancellationToken ct)
    {
        var errors = Validate(request);
        if (errors.Any)
        {
            return Error.Validation(errors);
        }
        var secret = NewSecret();
        return await InTransactionAsync<ClientWithSecret>(async () =>
        {
            if (await clients.FindForChangeAsync(request.ClientId!, ct) is not null)
            {
                return new Error(ErrorCodes.ClientExists, $"A client '{request.ClientId}' already exists.");
            }
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = request.ClientId,
                DisplayName = request.DisplayName?.Trim() is { Length: > 0 } name ? name : null,
                ClientType = OpenIddictConstants.ClientTypes.Confidential,
            };
            OAuthClientStore.Allow(descriptor, request.Scopes ?? []);
            if (request.RedirectUris is { Length: > 0 } redirectUris)
            {
                OAuthClientStore.AllowSignIn(descriptor, redirectUris.Select(u => new Uri(u)),
                    (request.PostLogoutRedirectUris ?? []).Select(u => new Uri(u)), request.FirstParty);
            }
            var client = new OAuthClient
            {
                Audiences = [.. (request.Audiences ?? []).Distinct()], AllowsSignUp = request.AllowSignUp && request.RedirectUris is { Length: > 0 },
            };
            await clients.PopulateAsync(client, descriptor, ct);
            await clients.CreateAsync(client, secret, ct);
            audit.Add(AuditService.Entry(actor, AuditActions.CreateClient, AuditOutcomes.Succeeded, now, subject: client.ClientId));
            return new ClientWithSecret(ToInfo(client), secret);
        }, ct);
    }

    public Task<Outcome<ClientWithSecret>> RotateSecretAsync(string clientId, StaffActor actor, DateTimeOffset now, CancellationToken ct) =>
        ChangeAsync(clientId, AuditActions.RotateClientSecret, actor, now, ct, async client =>
        {
            var secret = NewSecret();
            await clients.UpdateAsync(client, secret, ct);
            await EndSessionsAsync(client, SessionRevocationReasons.ClientSecretRotated, now, ct);
            return new ClientWithSecret(ToInfo(client), secret);
        });

    public Task<Outcome<ClientInfo>> SetEnabledAsync(string clientId, bool enabled, StaffActor actor, DateTimeOffset now, CancellationToken ct) =>
        ChangeAsync(clientId, enabled ? AuditActions.EnableClient : AuditActions.DisableClient, actor, now, ct, async client =>
        {
            // The row is written (and locked) before the sessions are revoked: a grant in flight either waits and then
            // finds the client disabled, or committed first and has its session revoked here (see ClientCredentialsGrant).
            client.DisabledAt = enabled ? null : client.DisabledAt ?? now;
            await clients.UpdateAsync(client, ct);
            if (!enabled)
            {
                await EndSessionsAsync(client, SessionRevocationReasons.ClientDisabled, now, ct);
            }
            return ToInfo(client);
        });

    private PendingRevocation _pending = PendingRevocation.None;

    private async Task EndSessionsAsync(OAuthClient client, string reason, DateTimeOffset now, CancellationToken ct) =>
        _pending = await sessions.RevokeClientInTransactionAsync(client.ClientId!, reason, now, ct);

    private async Task<Outcome<T>> ChangeAsync<T>(string clientId, string action, StaffActor actor, DateTimeOffset now,
        CancellationToken ct, Func<OAuthClient, Task<T>> change) =>
        await InTransactionAsync<T>(async () =>
        {
            if (await clients.FindForChangeAsync(clientId, ct) is not { } client)
            {
                audit.Add(AuditService.Entry(actor, action, AuditOutcomes.NotFound, now, subject: Truncate(clientId)));
                return new Error(ErrorCodes.ClientNotFound, $"There is no client '{Truncate(clientId)}'.");
            }
            var result = await change(client);
            audit.Add(AuditService.Entry(actor, action, AuditOutcomes.Succeeded, now, subject: client.ClientId));
            return result;
        }, ct);

    /// <summary>The change, its audit entry and any revocation commit together; the revocation reaches Redis after the commit.</summary>
    private async Task<Outcome<T>> InTransactionAsync<T>(Func<Task<Outcome<T>>> work, CancellationToken ct)
    {
        _pending = PendingRevocation.None;
        var outcome = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var result = await work();
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return result;
        });
        await sessions.PublishAsync(_pending);
        return outcome;
    }

    private static FieldErrors Validate(CreateClientRequest request)
    {
        var errors = new FieldErrors();
        if (request.ClientId is null || !ClientRules.ClientId().IsMatch(request.ClientId))
        {
            errors.Add("client_id", "2–63 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
        if (request.DisplayName is { Length: > 100 })
        {
            errors.Add("display_name", "At most 100 characters.");
        }
        ValidateNames(request.Scopes, "scopes", errors);
        ValidateNames(request.Audiences, "audiences", errors);
        ValidateRedirectUris(request.RedirectUris, "redirect_uris", errors);
        ValidateRedirectUris(request.PostLogoutRedirectUris, "post_logout_redirect_uris", errors);
        if (request.RedirectUris is not { Length: > 0 } && request.PostLogoutRedirectUris is { Length: > 0 })
        {
            errors.Add("post_logout_redirect_uris", "Only a client with redirect_uris signs people in and out.");
        }
        return errors;
    }

    private static void ValidateNames(string[]? names, string field, FieldErrors errors)
    {
        if (names is null)
        {
            return;
        }
        if (names.Length > ClientRules.MaxNames || names.Any(n => n is null || !ClientRules.Name().IsMatch(n)))
        {
            errors.Add(field, $"At most {ClientRules.MaxNames}, each 1–100 characters of letters, digits and . _ : / - (no spaces).");
        }
    }

    private static void ValidateRedirectUris(string[]? uris, string field, FieldErrors errors)
    {
        if (uris is not null && (uris.Length > ClientRules.MaxNames || uris.Any(u => u is not { Length: <= 2000 }
                || !OAuthClientStore.IsValidRedirectUri(u, allowPlainHttp: false))))
        {
            errors.Add(field, $"At most {ClientRules.MaxNames} absolute URIs without a fragment, each HTTPS (plain HTTP only to " +
                "localhost or a loopback address), at most 2,000 characters.");
        }
    }

    /// <summary>256 random bits, URL-safe: far beyond guessing, which is why a fast hash stores it (see OAuthClientManager).</summary>
    private static string NewSecret() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64];

    private static ClientInfo ToInfo(OAuthClient client) => new(
        client.ClientId!, client.DisplayName, [.. OAuthClientStore.ScopesOf(OAuthClientStore.ParseStringArray(client.Permissions))],
        client.Audiences, client.DisabledAt is null, client.DisabledAt, client.DeclaredInAppHost,
        OAuthClientStore.ParseStringArray(client.RedirectUris), client.ConsentType == OpenIddictConstants.ConsentTypes.Explicit,
        client.AllowsSignUp);
}
