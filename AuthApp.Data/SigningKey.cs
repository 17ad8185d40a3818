namespace AuthApp.Data;

/// <summary>
/// An asymmetric signing key (ES256 mode). The private key is stored encrypted (AES-256-GCM under a key
/// derived from the deployment's secret); the public key is published at /.well-known/jwks.json.
/// </summary>
public sealed class SigningKey
{
    public required string Kid { get; set; }
    public required string Algorithm { get; set; }

    /// <summary>SubjectPublicKeyInfo (DER).</summary>
    public required byte[] PublicKey { get; set; }

    /// <summary>nonce (12) | ciphertext | tag (16) of the PKCS#8 private key, with the kid as associated data.</summary>
    public required byte[] EncryptedPrivateKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When a newer key replaced it; it keeps verifying until every token it signed has expired.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
}
