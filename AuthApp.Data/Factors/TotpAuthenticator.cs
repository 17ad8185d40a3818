namespace AuthApp.Data.Factors;

/// <summary>
/// An authenticator app (TOTP, RFC 6238) enrolled for an account: its shared secret sealed at rest (AES-256-GCM under a
/// key derived from the deployment secret, like the signing keys), counting only once confirmed with a first code.
/// <see cref="LastUsedStep"/> makes each code good once: a code's 30-second step must be later than the last accepted.
/// </summary>
public sealed class TotpAuthenticator
{
    public Guid UserId { get; set; }
    public User? User { get; set; }

    public required byte[] SealedSecret { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Null until the person typed a first code from the app: an unconfirmed secret protects nothing yet.</summary>
    public DateTimeOffset? ConfirmedAt { get; set; }

    /// <summary>The time step (Unix seconds / 30) of the last code accepted; codes of that step or earlier are refused.</summary>
    public long LastUsedStep { get; set; }
}
