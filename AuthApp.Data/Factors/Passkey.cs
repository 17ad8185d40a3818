namespace AuthApp.Data.Factors;

/// <summary>
/// A passkey (a WebAuthn public-key credential) registered to an account: it signs a person in on its own (it is
/// discoverable and verifies the person) or stands as the second factor after a password. Only its public key is kept.
/// </summary>
public sealed class Passkey
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }
    public User? User { get; set; }

    /// <summary>The authenticator's id for the credential, unique across all accounts.</summary>
    public required byte[] CredentialId { get; set; }

    /// <summary>The credential's public key, COSE-encoded, as the authenticator gave it at registration.</summary>
    public required byte[] PublicKey { get; set; }

    /// <summary>
    /// The authenticator's signature counter at its last use. A later use must count higher (unless the authenticator keeps
    /// no counter and always says 0): one that does not is a cloned credential, and is refused.
    /// </summary>
    public long SignCount { get; set; }

    /// <summary>The name its owner gave it ("Work laptop"), to tell several apart.</summary>
    public required string Name { get; set; }

    /// <summary>How the browser can reach the authenticator (internal, usb, hybrid…), comma-separated, for the next ceremonies.</summary>
    public string? Transports { get; set; }

    /// <summary>May be synced to other devices (backup eligible), and is synced now (backed up): from the authenticator's flags.</summary>
    public bool IsBackupEligible { get; set; }
    public bool IsBackedUp { get; set; }

    /// <summary>The authenticator model's AAGUID, zero when it keeps it private (attestation "none").</summary>
    public Guid AaGuid { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}

/// <summary>
/// A WebAuthn ceremony in progress: the options (with their random challenge) AuthApp sent the browser, kept until the
/// browser's answer comes back — once: the first answer deletes it. <see cref="UserId"/> is the account registering a
/// passkey or giving one as its second factor; null for a sign-in with a passkey alone, where the passkey says who.
/// </summary>
public sealed class PasskeyCeremony
{
    public Guid Id { get; set; }
    public Guid? UserId { get; set; }
    public required string Kind { get; set; }
    public required string OptionsJson { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
