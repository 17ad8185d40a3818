using System.Security.Cryptography;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthApp.Api.Tokens.Keys;

/// <summary>
/// ES256 keys from PostgreSQL, held in memory so that signing and validation never query the database.
/// The newest unretired key signs; retired keys keep verifying until the longest-lived token they
/// could have signed (a refresh token) has expired, then they leave the ring and the JWKS.
/// A token with a kid the ring does not hold makes it re-read the keys before refusing (another instance
/// may have rotated), at most once every <see cref="UnknownKidReloadSpacing"/>.
/// </summary>
public sealed class KeyRing(
    IServiceScopeFactory scopes,
    PrivateKeyProtector protector,
    IOptions<JwtOptions> options,
    TimeProvider time,
    ILogger<KeyRing> logger) : ITokenSigner
{
    private sealed record Snapshot(
        SigningCredentials Current, DateTimeOffset CurrentCreatedAt,
        IReadOnlyDictionary<string, SecurityKey> Verification, IReadOnlyList<PublicJwk> Jwks,
        bool NextKeyPublished, bool OlderKeysUnretired);

    /// <summary>How often tokens with unknown kids may re-read the keys: made-up kids cost at most this much database load.</summary>
    public static readonly TimeSpan UnknownKidReloadSpacing = TimeSpan.FromSeconds(5);

    /// <summary>How long a request waits for that re-read (usually milliseconds) before its token is refused.</summary>
    private static readonly TimeSpan UnknownKidReloadWait = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly UnknownKidReloads _unknownKidReloads = new(time, UnknownKidReloadSpacing);
    private volatile Snapshot? _snapshot;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _reportedInauthentic = new(StringComparer.Ordinal);

    public string Algorithm => SecurityAlgorithms.EcdsaSha256;

    private Snapshot Loaded => _snapshot ?? throw new InvalidOperationException("The signing keys have not been loaded yet.");

    public SigningCredentials Current => Loaded.Current;
    public DateTimeOffset CurrentCreatedAt => Loaded.CurrentCreatedAt;

    /// <summary>A key newer than the signing one is in the JWKS, waiting out its publication lead.</summary>
    public bool NextKeyPublished => Loaded.NextKeyPublished;

    /// <summary>Keys older than the signing one have not been retired yet (the signer just changed).</summary>
    public bool OlderKeysUnretired => Loaded.OlderKeysUnretired;
    public IReadOnlyList<PublicJwk> PublicKeys => Loaded.Jwks;

    public void ConfigureValidation(TokenValidationParameters parameters) =>
        parameters.IssuerSigningKeyResolver = (_, _, kid, _) => ResolveVerificationKeys(kid);

    public bool StillVerifies(string? kid) => kid is not null && Loaded.Verification.ContainsKey(kid);

    private IEnumerable<SecurityKey> ResolveVerificationKeys(string? kid)
    {
        if (kid is null)
        {
            return [];
        }
        if (Loaded.Verification.TryGetValue(kid, out var key))
        {
            return [key];
        }

        // Token validation asks for keys synchronously; the wait is bounded, and rare (see UnknownKidReloads).
        var reload = _unknownKidReloads.TryBegin(ReloadForUnknownKidAsync);
        if (reload is null)
        {
            return [];
        }
        if (reload.Wait(UnknownKidReloadWait) && Loaded.Verification.TryGetValue(kid, out key))
        {
            logger.LogInformation("Signing key {Kid} was new to this instance (made by another); keys re-read", kid);
            return [key];
        }
        _unknownKidReloads.ReportStillUnknown();
        return [];
    }

    private async Task ReloadForUnknownKidAsync()
    {
        try
        {
            await RefreshAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not re-read the signing keys for a token with an unknown kid; the loaded ones stay in use: {Reason}", ex.Message);
        }
    }

    async Task<Outcome<SigningKeyInfo>> ITokenSigner.RotateAsync(AuditEntry? audit, CancellationToken ct)
    {
        var key = await RotateAsync(ct, audit);
        return new SigningKeyInfo(key.Kid, key.Algorithm, key.CreatedAt, null, null, Signing: true);
    }

    /// <summary>Re-reads the keys; makes the first one when there is none.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        var verifiesUntil = time.GetUtcNow() - options.Value.RefreshTokenLifetime - options.Value.ClockSkew;
        var keys = await db.SigningKeys.AsNoTracking()
            .Where(k => k.RetiredAt == null || k.RetiredAt > verifiesUntil)
            .OrderByDescending(k => k.CreatedAt)
            .ToListAsync(ct);
        var active = KeyRotationSchedule.SelectSigner(keys, time.GetUtcNow(), options.Value.KeyPublicationLead);
        if (active is null)
        {
            await WriteKeyAsync(KeyWrite.FirstKey, audit: null, ct); // instances starting together make one key
            return;
        }

        var legacy = new List<SigningKey>();
        using var signing = OpenPrivateKey(active, legacy);
        if (signing is null)
        {
            // The newest key is not one this deployment sealed (altered, or sealed under another Jwt:SigningKey): it
            // may neither sign nor verify; a new key takes over.
            await RotateAsync(ct);
            return;
        }
        var privateKey = new ECDsaSecurityKey(ECDsa.Create(signing.ExportParameters(includePrivateParameters: true))) { KeyId = active.Kid };

        var verification = new Dictionary<string, SecurityKey>(StringComparer.Ordinal);
        var jwks = new List<PublicJwk>();
        foreach (var key in keys)
        {
            using var opened = key == active ? null : OpenPrivateKey(key, legacy);
            var ec = ECDsa.Create();
            ec.ImportSubjectPublicKeyInfo(key.PublicKey, out _);
            if (key != active && opened is null)
            {
                continue;
            }
            verification[key.Kid] = new ECDsaSecurityKey(ec) { KeyId = key.Kid };
            var parameters = ec.ExportParameters(includePrivateParameters: false);
            jwks.Add(new PublicJwk("EC", "P-256", Base64UrlEncoder.Encode(parameters.Q.X), Base64UrlEncoder.Encode(parameters.Q.Y),
                key.Kid, "sig", SecurityAlgorithms.EcdsaSha256));
        }

        var pending = keys.Any(k => k.RetiredAt == null && k.CreatedAt > active.CreatedAt);
        var superseded = keys.Any(k => k.RetiredAt == null && k.CreatedAt < active.CreatedAt);
        _snapshot = new Snapshot(new SigningCredentials(privateKey, SecurityAlgorithms.EcdsaSha256), active.CreatedAt, verification, jwks,
            pending, superseded);
        await SealAgainAsync(db, legacy, ct);
    }

    /// <summary>
    /// Retires the unretired keys (or those older than <paramref name="olderThan"/>): a key's retirement is part of its seal, so the private key is sealed again with it. A row this
    /// deployment cannot open (already ignored) is retired as it is.
    /// </summary>
    private async Task RetireActiveKeysAsync(AuthDbContext db, DateTimeOffset now, CancellationToken ct, DateTimeOffset? olderThan = null)
    {
        foreach (var key in await db.SigningKeys.Where(k => k.RetiredAt == null && (olderThan == null || k.CreatedAt < olderThan)).ToListAsync(ct))
        {
            byte[]? privateKey = null;
            try
            {
                privateKey = protector.Unprotect(key, out _);
            }
            catch (CryptographicException)
            {
            }
            key.RetiredAt = now;
            if (privateKey is not null)
            {
                key.EncryptedPrivateKey = protector.Protect(key, privateKey);
                CryptographicOperations.ZeroMemory(privateKey);
            }
        }
    }

    /// <summary>Rows sealed before their dates were bound get the current seal (only if nobody changed them meanwhile).</summary>
    private async Task SealAgainAsync(AuthDbContext db, List<SigningKey> legacy, CancellationToken ct)
    {
        foreach (var key in legacy)
        {
            var previous = key.EncryptedPrivateKey;
            var resealed = protector.Protect(key, protector.Unprotect(key, out _));
            await db.SigningKeys.Where(k => k.Kid == key.Kid && k.EncryptedPrivateKey == previous)
                .ExecuteUpdateAsync(set => set.SetProperty(k => k.EncryptedPrivateKey, resealed), ct);
            logger.LogInformation("Signing key {Kid} sealed again with its dates bound", key.Kid);
        }
    }

    /// <summary>
    /// The row's private key, when the row is authentic: sealed under this deployment's key-encryption key with its kid,
    /// algorithm, creation and retirement as associated data (AES-GCM; rows sealed before the dates were bound, with the
    /// kid alone, are sealed again), for ES256, and with a public key that is the private key's own. Anyone who can write to
    /// the database but lacks Jwt:SigningKey can add or alter rows, but not make one that passes: such a row is ignored,
    /// so it can neither sign nor verify (and so cannot mint tokens), and it is logged as an error once.
    /// </summary>
    private ECDsa? OpenPrivateKey(SigningKey key, List<SigningKey>? sealedBeforeDatesWereBound = null)
    {
        var ec = ECDsa.Create();
        try
        {
            ec.ImportPkcs8PrivateKey(protector.Unprotect(key, out var legacy), out _);
            if (key.Algorithm == "ES256" && CryptographicOperations.FixedTimeEquals(ec.ExportSubjectPublicKeyInfo(), key.PublicKey))
            {
                if (legacy)
                {
                    sealedBeforeDatesWereBound?.Add(key);
                }
                return ec;
            }
        }
        catch (CryptographicException)
        {
        }
        ec.Dispose();
        if (_reportedInauthentic.TryAdd(key.Kid, 0))
        {
            logger.LogError("Signing key {Kid} in the database was not sealed by this deployment's key-encryption key (added or "
                + "altered without it, or Jwt:SigningKey changed): it is ignored and verifies no token", key.Kid);
        }
        return null;
    }

    /// <summary>
    /// Makes a new signing key that signs at once and retires the current one (which keeps verifying its tokens): what
    /// staff ask for, for a key they no longer trust. A validator that cached the key set before gets the new key on its
    /// first token with the new kid (a stock JwtBearer refuses that one token while it re-reads the set).
    /// </summary>
    public async Task<SigningKey> RotateAsync(CancellationToken ct, AuditEntry? audit = null) =>
        (await WriteKeyAsync(KeyWrite.ReplaceNow, audit, ct))!;

    /// <summary>
    /// The scheduled rotation: a new key joins the JWKS now and signs only once <see cref="JwtOptions.KeyPublicationLead"/>
    /// has passed, so that validators which re-read the key set on their own schedule already hold it by then.
    /// </summary>
    public Task PublishNextKeyAsync(CancellationToken ct) => WriteKeyAsync(KeyWrite.PublishNext, audit: null, ct);

    /// <summary>Once the published key signs, the keys before it are retired (they keep verifying their tokens).</summary>
    public async Task RetireSupersededKeysAsync(CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
            var signerCreatedAt = CurrentCreatedAt;
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({RotationLockId})", ct);
                await RetireActiveKeysAsync(db, time.GetUtcNow().TruncateToMicroseconds(), ct, olderThan: signerCreatedAt);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            });
            logger.LogInformation("Signing key {Kid} now signs; the keys before it are retired and verify until their tokens expire",
                Current.Key.KeyId);
        }
        finally
        {
            _writeLock.Release();
        }
        await RefreshAsync(ct);
    }

    private enum KeyWrite
    {
        /// <summary>The first key of a deployment, unless another instance made one meanwhile.</summary>
        FirstKey,
        ReplaceNow,
        /// <summary>A key published ahead of signing, unless one is already waiting.</summary>
        PublishNext,
    }

    /// <summary>
    /// Writes a new signing key and retires the others, under a PostgreSQL advisory lock so that instances never
    /// interleave two rotations (which could leave two keys signing). With <paramref name="onlyIfNoneActive"/>, it
    /// writes nothing (and returns null) when another instance made an active key meanwhile.
    /// </summary>
    private async Task<SigningKey?> WriteKeyAsync(KeyWrite mode, AuditEntry? audit, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        SigningKey? written = null;
        try
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var kid = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
            var now = time.GetUtcNow().TruncateToMicroseconds(); // what PostgreSQL keeps, and so what the seal binds
            var created = new SigningKey
            {
                Kid = kid,
                Algorithm = SecurityAlgorithms.EcdsaSha256,
                PublicKey = ec.ExportSubjectPublicKeyInfo(),
                EncryptedPrivateKey = [],
                CreatedAt = now,
            };
            created.EncryptedPrivateKey = protector.Protect(created, ec.ExportPkcs8PrivateKey());

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
            var saved = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({RotationLockId})", ct);
                if (mode == KeyWrite.FirstKey && await db.SigningKeys.AnyAsync(k => k.RetiredAt == null, ct))
                {
                    return false;
                }
                var signerCreatedAt = _snapshot?.CurrentCreatedAt;
                if (mode == KeyWrite.PublishNext &&
                    await db.SigningKeys.AnyAsync(k => k.RetiredAt == null && k.CreatedAt > signerCreatedAt, ct))
                {
                    return false; // another instance published it
                }
                if (mode != KeyWrite.PublishNext)
                {
                    await RetireActiveKeysAsync(db, now, ct);
                }
                db.SigningKeys.Add(created);
                if (audit is not null)
                {
                    audit.Subject = kid;
                    db.AuditEntries.Add(audit);
                }
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return true;
            });
            if (saved)
            {
                written = created;
                logger.LogInformation(mode == KeyWrite.PublishNext
                    ? "Signing key {Kid} published; it signs once the publication lead has passed"
                    : "Signing key {Kid} created; earlier keys retired and verifying until their tokens expire", kid);
            }
        }
        finally
        {
            _writeLock.Release();
        }
        await RefreshAsync(ct);
        return written;
    }

    // Any constant shared by every instance; it names the one lock that orders key writes.
    private const long RotationLockId = 0x4175_7468_4B65_7973; // "AuthKeys"
}

/// <summary>
/// Lets tokens with unknown kids re-read the keys. Callers that come while a re-read runs share it. A kid still
/// unknown after a re-read (made up, or from a key that left the ring) holds further re-reads back for
/// <paramref name="spacing"/>: made-up kids cost at most one database read per spacing. A re-read that found its
/// key holds nothing back, so two rotations in a row are each picked up at once.
/// </summary>
public sealed class UnknownKidReloads(TimeProvider time, TimeSpan spacing)
{
    private readonly Lock _gate = new();
    private Task? _running;
    private DateTimeOffset _quietUntil = DateTimeOffset.MinValue;

    /// <returns>The re-read to wait for, or null while re-reads are held back.</returns>
    public Task? TryBegin(Func<Task> reload)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            // Checked first, so that a slow read (database in trouble) holds up one round of requests, not every one.
            // A clock set back by more than the spacing does not hold re-reads back for that long.
            if (now < _quietUntil && _quietUntil - now <= spacing)
            {
                return null;
            }
            if (_running is { IsCompleted: false })
            {
                return _running;
            }
            return _running = Task.Run(reload);
        }
    }

    /// <summary>The re-read did not find the kid: hold re-reads back for the spacing.</summary>
    public void ReportStillUnknown()
    {
        lock (_gate)
        {
            _quietUntil = time.GetUtcNow() + spacing;
        }
    }
}

/// <summary>When the current key is old enough to be replaced.</summary>
public static class KeyRotationSchedule
{
    /// <summary>
    /// The key that signs: the newest unretired key published at least <paramref name="lead"/> ago, or, when none has
    /// waited that long (a deployment's first key, a key staff just made), the oldest unretired one. Null: none.
    /// </summary>
    public static SigningKey? SelectSigner(IEnumerable<SigningKey> keys, DateTimeOffset now, TimeSpan lead)
    {
        var unretired = keys.Where(k => k.RetiredAt == null).OrderByDescending(k => k.CreatedAt).ToList();
        return unretired.FirstOrDefault(k => k.CreatedAt <= now - lead) ?? unretired.LastOrDefault();
    }

    public static bool IsDue(DateTimeOffset currentCreatedAt, DateTimeOffset now, TimeSpan interval) => now - currentCreatedAt >= interval;
}

/// <summary>Loads the key ring before the API serves, re-reads it regularly (rotations by other instances), and rotates on schedule.</summary>
public sealed class KeyRingMaintenance(KeyRing ring, IOptions<JwtOptions> options, TimeProvider time, ILogger<KeyRingMaintenance> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ring.RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.KeyRefreshInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ring.RefreshAsync(stoppingToken);
                if (ring.OlderKeysUnretired)
                {
                    await ring.RetireSupersededKeysAsync(stoppingToken);
                }
                // The next key is published a lead ahead of the interval, so that it signs when the interval is up.
                var publishAt = options.Value.KeyRotationInterval - options.Value.KeyPublicationLead;
                if (!ring.NextKeyPublished && KeyRotationSchedule.IsDue(ring.CurrentCreatedAt, time.GetUtcNow(), publishAt))
                {
                    await ring.PublishNextKeyAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Could not refresh the signing keys; the loaded ones stay in use: {Reason}", ex.Message);
            }
        }
    }
}
