namespace AuthApp.Data;

/// <summary>
/// A mail to send, written in the same transaction as what it announces (a token, an account). The
/// sender claims due rows with a lease (<c>FOR UPDATE SKIP LOCKED</c>), so several API instances never
/// send one message at the same time; the body is sealed (it holds a link with a token) and erased once sent.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }

    /// <summary>What the message is (a token purpose), for telemetry and support; never its content.</summary>
    public required string Kind { get; set; }

    public required string Recipient { get; set; }

    /// <summary>The recipient as compared (normalized): at most one mail a minute goes to one address.</summary>
    public required string NormalizedRecipient { get; set; }

    public required string Subject { get; set; }

    /// <summary>nonce ‖ AES-256-GCM(text and HTML bodies) ‖ tag, with the message id as associated data; null once sent or abandoned.</summary>
    public byte[]? SealedBody { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public int Attempts { get; set; }

    /// <summary>The claim of one sender: its id, and until when other instances leave the row alone.</summary>
    public Guid? LeaseId { get; set; }
    public DateTimeOffset? LeasedUntil { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>When the sender gave up (a permanent refusal, or too many attempts).</summary>
    public DateTimeOffset? AbandonedAt { get; set; }

    public string? LastError { get; set; }
}
