using System.Security.Cryptography;
using AuthApp.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace AuthApp.Data.OAuth;

/// <summary>
/// OpenIddict's application manager with one change: client secrets are stored as salted SHA-256, not PBKDF2.
/// A client secret is machine-made with at least <see cref="MinimumSecretLength"/> random characters (AuthApp
/// refuses shorter ones), so it cannot be guessed from its hash whatever the hash's speed; slow hashing exists for
/// people's passwords. With PBKDF2's 10,000 rounds every token request and every introspection would spend ~4 ms
/// of CPU on the caller's secret, capping both near 500/s on two cores. Duende IdentityServer stores SHA-256 too.
/// Hashes OpenIddict made with PBKDF2 (none here, but a restored database might hold them) still verify.
/// </summary>
/// <para>
/// Lookups by client id (every token request, introspection and revocation authenticates its caller) are kept for
/// <see cref="ClientLookups.Lifetime"/> (one second) in this process; a change made here drops the entry at once, one
/// made by another instance is seen within the second. Changes start from <see cref="FindForChangeAsync"/>, uncached.
/// (OpenIddict's own entity cache is off: it never expires, so another instance's change would never be seen.)
/// </para>
public sealed class OAuthClientManager(
    IOpenIddictApplicationCache<OAuthClient> cache,
    ILogger<OpenIddictApplicationManager<OAuthClient>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OAuthClient> store,
    ClientLookups lookups)
    : OpenIddictApplicationManager<OAuthClient>(cache, logger, options, store)
{
    public override async ValueTask<OAuthClient?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        if (lookups.TryGet(identifier, out var cached))
        {
            return cached;
        }
        var found = await base.FindByClientIdAsync(identifier, cancellationToken);
        lookups.Set(identifier, found);
        return found;
    }

    /// <summary>
    /// The stored secret hash the request's client authenticated against (null: none yet). The grant writes its session
    /// only while the row still holds this hash, so a secret rotated by another instance within the lookup's second
    /// cannot earn a token with the old secret.
    /// </summary>
    public string? AuthenticatedSecretHash { get; private set; }

    public override async ValueTask<bool> ValidateClientSecretAsync(OAuthClient application, string secret,
        CancellationToken cancellationToken = default)
    {
        var valid = await base.ValidateClientSecretAsync(application, secret, cancellationToken);
        AuthenticatedSecretHash = valid ? application.ClientSecret : null;
        return valid;
    }

    /// <summary>The client as stored now, to change it (never a cached copy, which other requests read meanwhile).</summary>
    public ValueTask<OAuthClient?> FindForChangeAsync(string clientId, CancellationToken ct) => base.FindByClientIdAsync(clientId, ct);

    public override async ValueTask CreateAsync(OAuthClient application, CancellationToken cancellationToken = default)
    {
        await base.CreateAsync(application, cancellationToken);
        lookups.Forget(application.ClientId); // a lookup just before may have found it missing
    }

    public override async ValueTask UpdateAsync(OAuthClient application, CancellationToken cancellationToken = default)
    {
        await base.UpdateAsync(application, cancellationToken);
        lookups.Forget(application.ClientId);
    }

    public const int MinimumSecretLength = 32;
    private const string Prefix = "sha256:";

    protected override ValueTask<string> ObfuscateClientSecretAsync(string secret, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var salt = RandomNumberGenerator.GetBytes(16);
        return ValueTask.FromResult(Prefix + Convert.ToBase64String(salt) + ":" + Convert.ToBase64String(Digest(salt, secret)));
    }

    protected override ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        if (!comparand.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return base.ValidateClientSecretAsync(secret, comparand, cancellationToken);
        }
        var parts = comparand[Prefix.Length..].Split(':');
        if (parts.Length != 2)
        {
            return ValueTask.FromResult(false);
        }
        try
        {
            var expected = Convert.FromBase64String(parts[1]);
            var actual = Digest(Convert.FromBase64String(parts[0]), secret);
            return ValueTask.FromResult(CryptographicOperations.FixedTimeEquals(actual, expected));
        }
        catch (FormatException)
        {
            return ValueTask.FromResult(false);
        }
    }

    private static byte[] Digest(byte[] salt, string secret)
    {
        var secretBytes = System.Text.Encoding.UTF8.GetBytes(secret);
        var input = new byte[salt.Length + secretBytes.Length];
        salt.CopyTo(input, 0);
        secretBytes.CopyTo(input, salt.Length);
        return SHA256.HashData(input);
    }
}
