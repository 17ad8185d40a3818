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
public sealed class Passkeys(AuthDbContext db, IOptions<PasskeyOptions> options, ApiTelemetry telemetry)
{
    private const string Registration = "register";
    private const string Assertion = "assert";
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
            return new Error(ErrorCodes.FactorExists, $"An account holds at most {_options.MaximumPerAccount} passkeys: remove one first.");
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
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100 || name.Any(char.IsControl))
        {
            return Error.Validation("name", "Give the passkey a name of 1 to 100 characters, such as the device it is on.");
        }
        if (!TryRead<AuthenticatorAttestationRawResponse>(request.Credential, out var credential))
        {
            return Error.Validation("credential", "Send the credential that navigator.credentials.create() returned, as JSON.");
        }
        if (await SpendAsync(request.Ceremony, Registration, userId, now, ct) is not { } optionsJson)
        {
            return Expired;
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
        catch (Fido2VerificationException refused)
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
        await db.SaveChangesAsync(ct);
        return new PasskeyView(passkey.Id, passkey.Name, passkey.CreatedAt, null, passkey.IsBackupEligible, passkey.IsBackedUp);
    }

    /// <summary>
    /// The options for <c>navigator.credentials.get()</c>. For an account (a second factor, a step-up): its passkeys.
    /// With none (<paramref name="userId"/> null): a sign-in with a passkey alone, any discoverable one of this site.
    /// </summary>
    public async Task<Outcome<PasskeyCeremonyResponse>> BeginAssertionAsync(Guid? userId, DateTimeOffset now, CancellationToken ct)
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
        return await StartAsync(Assertion, userId, asked.ToJson(), now, ct);
    }

    /// <summary>
    /// The browser's answer to <see cref="BeginAssertionAsync"/>, checked by Fido2: the passkey's owner (who must be
    /// <paramref name="expectedUser"/> when there is one). Its counter and backup state are recorded; a counter that does
    /// not move forward (a copied credential) is refused.
    /// </summary>
    public async Task<Outcome<Guid>> VerifyAssertionAsync(Guid? expectedUser, PasskeyAnswer? answer, DateTimeOffset now, CancellationToken ct)
    {
        if (!Enabled)
        {
            return Unavailable;
        }
        if (!TryRead<AuthenticatorAssertionRawResponse>(answer?.Credential, out var credential))
        {
            return Error.Validation("credential", "Send the credential that navigator.credentials.get() returned, as JSON.");
        }
        if (await SpendAsync(answer!.Ceremony, Assertion, expectedUser, now, ct) is not { } optionsJson)
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
        catch (Fido2VerificationException refused)
        {
            return Refused(refused);
        }
        // Only over the counter this check saw: of two answers racing with one counter value, one is recorded.
        await db.Passkeys.Where(p => p.Id == passkey.Id && p.SignCount == passkey.SignCount)
            .ExecuteUpdateAsync(set => set
                .SetProperty(p => p.SignCount, (long)verified.SignCount)
                .SetProperty(p => p.IsBackedUp, verified.IsBackedUp)
                .SetProperty(p => p.LastUsedAt, now), ct);
        return passkey.UserId;
    }

    public async Task<Outcome<PasskeyView>> RenameAsync(Guid userId, Guid id, string? name, CancellationToken ct)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100 || name.Any(char.IsControl))
        {
            return Error.Validation("name", "Give the passkey a name of 1 to 100 characters.");
        }
        if (await db.Passkeys.Where(p => p.Id == id && p.UserId == userId).ExecuteUpdateAsync(set => set.SetProperty(p => p.Name, name), ct) == 0)
        {
            return NotFound;
        }
        return (await ListAsync(userId, ct)).Single(p => p.Id == id);
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

    private async Task<PasskeyCeremonyResponse> StartAsync(string kind, Guid? userId, string optionsJson, DateTimeOffset now,
        CancellationToken ct)
    {
        var ceremony = new PasskeyCeremony
        {
            Id = Guid.NewGuid(), Kind = kind, UserId = userId, OptionsJson = optionsJson, ExpiresAt = now + _options.CeremonyLifetime,
        };
        db.PasskeyCeremonies.Add(ceremony);
        await db.SaveChangesAsync(ct);
        return new PasskeyCeremonyResponse(ceremony.Id, JsonDocument.Parse(optionsJson).RootElement);
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

    private Error Refused(Fido2VerificationException refused)
    {
        telemetry.LoginFailures.Add(1);
        return new Error(ErrorCodes.PasskeyInvalid, refused.Code == Fido2ErrorCode.InvalidSignCount
            ? "This passkey's signature counter went backwards, as a copied passkey's does: it is refused."
            : $"The passkey's answer was refused: {refused.Message}");
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
