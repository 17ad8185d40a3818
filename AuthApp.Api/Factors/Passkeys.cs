using System.Text.Json;
using AuthApp.Data;
using AuthApp.Data.Factors;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Factors;

/// <summary>
/// Passkeys (WebAuthn) on the Fido2 library, which checks every ceremony: the challenge, the origin, the relying party,
/// user presence and verification, the signature and the counter. AuthApp keeps the ceremony's options between its two
/// requests (once: the answer spends them), the public keys, and who owns which. Registration asks for a discoverable
/// credential that verifies the person (a passkey, not a bare security key), so one can sign in alone; attestation is
/// "none", as the big platforms send.
/// </summary>
public sealed class Passkeys(AuthDbContext db, IOptions<PasskeyOptions> options, ILogger<Passkeys> logger)
{
    private const string Registration = "register";
    private static readonly Error Unavailable = new(ErrorCodes.PasskeysUnavailable, "Passkeys are not set up on this server.");
    private static readonly Error Expired = new(ErrorCodes.PasskeyInvalid,
        "This passkey request has expired or was already answered. Start again.");

    private readonly PasskeyOptions _options = options.Value;
    private IFido2 Fido => field ??= new Fido2(new Fido2Configuration
    {
        RPID = _options.RelyingPartyId!,
        RPName = _options.RelyingPartyName,
        Origins = _options.Origins.ToHashSet(),
        Timeout = (uint)_options.CeremonyLifetime.TotalMilliseconds,
    });

    public bool Enabled => _options.Enabled;

    /// <summary>The account's passkeys, newest first.</summary>
    public async Task<IReadOnlyList<PasskeyView>> ListAsync(Guid userId, CancellationToken ct) =>
        await db.Passkeys.AsNoTracking().Where(p => p.UserId == userId).OrderByDescending(p => p.CreatedAt)
            .Select(p => new PasskeyView(p.Id, p.Name, p.CreatedAt, p.LastUsedAt, p.IsBackupEligible, p.IsBackedUp))
            .ToListAsync(ct);

    public Task<bool> AnyAsync(Guid userId, CancellationToken ct) => db.Passkeys.AnyAsync(p => p.UserId == userId, ct);

    /// <summary>The options for <c>navigator.credentials.create()</c>: a new passkey for this account.</summary>
    public async Task<Outcome<PasskeyCeremonyResponse>> BeginRegistrationAsync(User user, DateTimeOffset now, CancellationToken ct)
    {
        if (!Enabled)
        {
            return Unavailable;
        }
        var existing = await db.Passkeys.AsNoTracking().Where(p => p.UserId == user.Id).Select(p => p.CredentialId).ToListAsync(ct);
        if (existing.Count >= _options.MaximumPerAccount)
        {
            return TooMany;
        }
        var created = Fido.RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = UserHandle(user.Id), Name = user.Email, DisplayName = user.Username },
            ExcludeCredentials = [.. existing.Select(id => new PublicKeyCredentialDescriptor(id))],
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Required,
                UserVerification = UserVerificationRequirement.Required,
            },
            AttestationPreference = AttestationConveyancePreference.None,
            Extensions = new AuthenticationExtensionsClientInputs { CredProps = true },
        });
        return await StartAsync(Registration, user.Id, created.ToJson(), now, ct);
    }

    /// <summary>The browser's answer to <see cref="BeginRegistrationAsync"/>: the new passkey, under the name its owner gave it.</summary>
    public async Task<Outcome<PasskeyView>> FinishRegistrationAsync(Guid userId, PasskeyRegistrationRequest request,
        DateTimeOffset now, CancellationToken ct)
    {
        if (ValidName(request.Name) is not { } name)
        {
            return InvalidName;
        }
        if (!TryRead<AuthenticatorAttestationRawResponse>(request.Credential, out var credential) || credential.Response is null)
        {
            return Error.Validation("credential", "Send the credential that navigator.credentials.create() returned, as JSON.");
        }
        if (await SpendAsync(request.Ceremony, Registration, userId, now, ct) is not { } optionsJson)
        {
            return Expired;
        }
        if (await db.Passkeys.CountAsync(p => p.UserId == userId, ct) >= _options.MaximumPerAccount)
        {
            return TooMany;
        }
        RegisteredPublicKeyCredential registered;
        try
        {
            registered = await Fido.MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = credential,
                OriginalOptions = CredentialCreateOptions.FromJson(optionsJson),
                IsCredentialIdUniqueToUserCallback = async (p, token) => !await db.Passkeys.AnyAsync(k => k.CredentialId == p.CredentialId, token),
            }, ct);
        }
        catch (Exception refused) when (refused is not OperationCanceledException)
        {
            return Refused(refused);
        }
        var passkey = new Passkey
        {
            Id = Guid.CreateVersion7(now), UserId = userId, CredentialId = registered.Id, PublicKey = registered.PublicKey,
            SignCount = registered.SignCount, Name = name, Transports = Transports(registered.Transports),
            IsBackupEligible = registered.IsBackupEligible, IsBackedUp = registered.IsBackedUp, AaGuid = registered.AaGuid,
            CreatedAt = now,
        };
        db.Passkeys.Add(passkey);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) // the same credential registered at the same moment by another request
        {
            return new Error(ErrorCodes.PasskeyInvalid, "This passkey is already registered.");
        }
        return new PasskeyView(passkey.Id, passkey.Name, passkey.CreatedAt, null, passkey.IsBackupEligible, passkey.IsBackedUp);
    }

    /// <summary>
    /// The options for <c>navigator.credentials.get()</c>, for one <paramref name="purpose"/> only: an answer to a
    /// step-up's options does not finish a login. For an account (a second factor, a step-up): its passkeys. With none
    /// (<paramref name="userId"/> null): a sign-in with a passkey alone, any discoverable one of this site.
    /// </summary>
    public async Task<Outcome<PasskeyCeremonyResponse>> BeginAssertionAsync(Guid? userId, PasskeyPurpose purpose, DateTimeOffset now,
        CancellationToken ct)
    {
        if (!Enabled)
        {
            return Unavailable;
        }
        IReadOnlyList<PublicKeyCredentialDescriptor> allowed = [];
        if (userId is { } owner)
        {
            var keys = await db.Passkeys.AsNoTracking().Where(p => p.UserId == owner).Select(p => new { p.CredentialId, p.Transports })
                .ToListAsync(ct);
            if (keys.Count == 0)
            {
                return new Error(ErrorCodes.FactorNotFound, "This account has no passkey.");
            }
            allowed = [.. keys.Select(k => new PublicKeyCredentialDescriptor(PublicKeyCredentialType.PublicKey, k.CredentialId, ParseTransports(k.Transports)))];
        }
        var asked = Fido.GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = allowed,
            UserVerification = UserVerificationRequirement.Required,
        });
        return await StartAsync(KindOf(purpose), userId, asked.ToJson(), now, ct);
    }

    /// <summary>
    /// The browser's answer to <see cref="BeginAssertionAsync"/>, checked by Fido2: the passkey's owner (who must be
    /// <paramref name="expectedUser"/> when there is one). Its counter and backup state are recorded; a counter that does
    /// not move forward (a copied credential) is refused.
    /// </summary>
    public async Task<Outcome<Guid>> VerifyAssertionAsync(Guid? expectedUser, PasskeyPurpose purpose, PasskeyAnswer? answer,
        DateTimeOffset now, CancellationToken ct)
    {
        if (!Enabled)
        {
            return Unavailable;
        }
        if (!TryRead<AuthenticatorAssertionRawResponse>(answer?.Credential, out var credential) || credential.Response is null)
        {
            return Error.Validation("credential", "Send the credential that navigator.credentials.get() returned, as JSON.");
        }
        if (await SpendAsync(answer!.Ceremony, KindOf(purpose), expectedUser, now, ct) is not { } optionsJson)
        {
            return Expired;
        }
        var passkey = await db.Passkeys.AsNoTracking().SingleOrDefaultAsync(p => p.CredentialId == credential.RawId, ct);
        if (passkey is null || (expectedUser is { } owner && passkey.UserId != owner))
        {
            return new Error(ErrorCodes.PasskeyInvalid, "This passkey is not registered here (it may have been removed).");
        }
        VerifyAssertionResult verified;
        try
        {
            verified = await Fido.MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = credential,
                OriginalOptions = AssertionOptions.FromJson(optionsJson),
                StoredPublicKey = passkey.PublicKey,
                StoredSignatureCounter = (uint)passkey.SignCount,
                IsUserHandleOwnerOfCredentialIdCallback = (p, _) =>
                    Task.FromResult(p.UserHandle.AsSpan().SequenceEqual(UserHandle(passkey.UserId))),
            }, ct);
        }
        catch (Exception refused) when (refused is not OperationCanceledException)
        {
            return Refused(refused);
        }
        // Fido2 lets a counter of 0 through whatever was stored; once a passkey has counted, 0 is a copy's answer too.
        if (verified.SignCount == 0 && passkey.SignCount > 0)
        {
            return CounterBehind;
        }
        // Only over the counter this check saw: of two answers racing with one counter value (an original and its copy),
        // one is recorded and the other refused.
        var recorded = await db.Passkeys.Where(p => p.Id == passkey.Id && p.SignCount == passkey.SignCount)
            .ExecuteUpdateAsync(set => set
                .SetProperty(p => p.SignCount, (long)verified.SignCount)
                .SetProperty(p => p.IsBackedUp, verified.IsBackedUp)
                .SetProperty(p => p.LastUsedAt, now), ct);
        return recorded == 1 ? passkey.UserId : CounterBehind;
    }

    public async Task<Outcome<PasskeyView>> RenameAsync(Guid userId, Guid id, string? newName, CancellationToken ct)
    {
        if (ValidName(newName) is not { } name)
        {
            return InvalidName;
        }
        await db.Passkeys.Where(p => p.Id == id && p.UserId == userId).ExecuteUpdateAsync(set => set.SetProperty(p => p.Name, name), ct);
        return (await ListAsync(userId, ct)).FirstOrDefault(p => p.Id == id) is { } renamed ? renamed : NotFound;
    }

    public async Task<Outcome<bool>> RemoveAsync(Guid userId, Guid id, CancellationToken ct)
    {
        if (await db.Passkeys.Where(p => p.Id == id && p.UserId == userId).ExecuteDeleteAsync(ct) == 0)
        {
            return NotFound;
        }
        return true;
    }

    /// <summary>The user handle a passkey carries: the account's id (16 bytes, nothing personal).</summary>
    public static byte[] UserHandle(Guid userId) => userId.ToByteArray();

    private static readonly Error NotFound = new(ErrorCodes.FactorNotFound, "This account has no such passkey.");
    private static readonly Error InvalidName = Error.Validation("name", "Give the passkey a name of 1 to 100 characters, such as the device it is on.");
    private static readonly Error CounterBehind = new(ErrorCodes.PasskeyInvalid,
        "This passkey's signature counter went backwards, as a copied passkey's does: it is refused.");
    private Error TooMany => new(ErrorCodes.FactorExists, $"An account holds at most {_options.MaximumPerAccount} passkeys: remove one first.");

    private static string? ValidName(string? name) =>
        name?.Trim() is { Length: > 0 and <= 100 } trimmed && !trimmed.Any(char.IsControl) ? trimmed : null;

    private static string KindOf(PasskeyPurpose purpose) => purpose switch
    {
        PasskeyPurpose.SignIn => "sign_in",
        PasskeyPurpose.SecondStep => "second_step",
        _ => "step_up",
    };

    private async Task<PasskeyCeremonyResponse> StartAsync(string kind, Guid? userId, string optionsJson, DateTimeOffset now,
        CancellationToken ct)
    {
        var ceremony = new PasskeyCeremony
        {
            Id = Guid.NewGuid(), Kind = kind, UserId = userId, OptionsJson = optionsJson, ExpiresAt = now + _options.CeremonyLifetime,
        };
        db.PasskeyCeremonies.Add(ceremony);
        await db.SaveChangesAsync(ct);
        using var options = JsonDocument.Parse(optionsJson);
        return new PasskeyCeremonyResponse(ceremony.Id, options.RootElement.Clone());
    }

    /// <summary>The ceremony's options, once: the delete that returns them is what spends it.</summary>
    private async Task<string?> SpendAsync(Guid? id, string kind, Guid? userId, DateTimeOffset now, CancellationToken ct)
    {
        if (id is not { } ceremonyId)
        {
            return null;
        }
        var ceremony = await db.PasskeyCeremonies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == ceremonyId, ct);
        if (ceremony is null || ceremony.Kind != kind || ceremony.UserId != userId || ceremony.ExpiresAt <= now)
        {
            return null;
        }
        return await db.PasskeyCeremonies.Where(c => c.Id == ceremonyId).ExecuteDeleteAsync(ct) == 1 ? ceremony.OptionsJson : null;
    }

    /// <summary>What Fido2 refused, or could not even read (malformed CBOR, a bad key or signature encoding): a 400 either way.</summary>
    private Error Refused(Exception refused)
    {
        if (refused is Fido2VerificationException { Code: Fido2ErrorCode.InvalidSignCount })
        {
            return CounterBehind;
        }
        // The reason goes to the log only: Fido2's messages may name the configured origins.
        logger.LogInformation("A passkey answer was refused: {Reason}", refused.Message);
        return new Error(ErrorCodes.PasskeyInvalid, "The passkey's answer was refused (wrong site, not verified, or not a valid answer).");
    }

    private static bool TryRead<T>(JsonElement? json, out T value) where T : class
    {
        value = null!;
        if (json is not { ValueKind: JsonValueKind.Object } element)
        {
            return false;
        }
        try
        {
            value = element.Deserialize<T>()!;
            return value is not null;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string? Transports(AuthenticatorTransport[]? transports) =>
        transports is { Length: > 0 } ? string.Join(',', transports.Select(t => t.ToString())) : null;

    private static AuthenticatorTransport[]? ParseTransports(string? text) =>
        text?.Split(',').Select(t => Enum.TryParse<AuthenticatorTransport>(t, out var parsed) ? (AuthenticatorTransport?)parsed : null)
            .OfType<AuthenticatorTransport>().ToArray();
}
