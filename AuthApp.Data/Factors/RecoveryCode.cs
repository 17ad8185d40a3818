namespace AuthApp.Data.Factors;

/// <summary>
/// One of an account's ten single-use recovery codes, shown once when made. Only a keyed hash is stored (HMAC-SHA256
/// under a key derived from the deployment secret): the codes carry 60 random bits, and a copy of this table alone
/// cannot be searched for them. Making new codes deletes the old ones.
/// </summary>
public sealed class RecoveryCode
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }
    public User? User { get; set; }

    public required byte[] CodeHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }
}
